"""The lookup page in real headless Chromium (Debian's, through Playwright) against the running
local stack: ask for a code, read it from the SMS moto recorded, sign in, see the right months."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, wait_for
from tests.e2e.lookup_data import ANNA, ANNA_PHONE, CARD, DOSSIER, OWED, seed

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's chromium, which `make test` installs; missing, it fails in CI and skips elsewhere."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does it as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def browser_page(chromium: Path, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),  # a fresh profile each run
            executable_path=str(chromium),
            headless=True,
            args=ARGS,
            viewport={"width": 390, "height": 844},  # a phone's screen
            is_mobile=True,
            has_touch=True,
            locale="vi-VN",
        )
        context.set_default_timeout(20_000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def _otp_sms(local_stack) -> str:
    sms = wait_for(
        lambda: [m for m in local_stack.sms() if m["phone_number"] == ANNA_PHONE and "Ma xac thuc" in m["message"]],
        "the OTP SMS",
    )
    return re.search(r"\b(\d{6})\b", sms[-1]["message"]).group(1)


def test_a_person_signs_in_with_the_sms_code_and_sees_their_months(local_stack, browser_page) -> None:
    seed(local_stack)
    page = browser_page
    page.goto(f"{local_stack.api}/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("#lang-switch").inner_text() == "English"

    page.fill("#ss-code", ANNA)
    page.click("#send-otp")
    page.wait_for_selector("#otp", state="visible")
    page.fill("#otp", _otp_sms(local_stack))
    page.click("#sign-in")

    page.wait_for_selector("#months tbody tr")
    rows = page.eval_on_selector_all("#months tbody tr", "rows => rows.map(r => [r.dataset.period, r.className])")
    assert [period for period, _ in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert [period for period, cls in rows if cls == "owed"] == list(OWED)
    assert page.inner_text("#me-name") == "Nguyễn Thị Ánh"
    assert "Tham gia BHXH 10 tháng" in page.inner_text("#totals") and "còn nợ 2 tháng" in page.inner_text("#totals")
    assert "Còn nợ" in page.inner_text("#months tbody tr.owed >> nth=0")
    assert "8.000.000" in page.inner_text("#months tbody tr >> nth=0")
    assert CARD in page.inner_text("#my-card") and "31/12/2027" in page.inner_text("#my-card")
    assert "06/2027" in page.inner_text("#my-voluntary")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lookup.png"), full_page=True)

    page.click("#lang-switch")
    assert page.inner_text("#lang-switch") == "Tiếng Việt"
    assert "Social insurance 10 months" in page.inner_text("#totals")
    assert "Owed" in page.inner_text("#months tbody tr.owed >> nth=0")
    page.screenshot(path=str(SCREENSHOTS / "lookup-en.png"), full_page=True)


def test_the_page_checks_a_card_and_a_dossier_without_signing_in(local_stack, browser_page) -> None:
    seed(local_stack)
    page = browser_page
    page.goto(f"{local_stack.api}/")
    page.fill("#card-no", CARD.lower())
    page.fill("#card-name", "nguyen thi anh")
    page.fill("#card-dob", "1990-04-12")
    page.click("#check-card")
    page.wait_for_selector("#card-result:not(:empty)")
    assert "Còn hiệu lực" in page.inner_text("#card-result") and "31/12/2027" in page.inner_text("#card-result")

    page.fill("#card-name", "Nguyễn Văn Khác")
    page.click("#check-card")
    page.wait_for_function("() => document.querySelector('#card-result').classList.contains('error')")
    assert "Không tìm thấy thẻ" in page.inner_text("#card-result")

    page.fill("#dossier-no", DOSSIER)
    page.click("#check-dossier")
    page.wait_for_selector("#dossier-result:not(:empty)")
    text = page.inner_text("#dossier-result")
    assert "Đang xử lý" in text and "20/11/2026" in text and ANNA_PHONE not in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "checks.png"), full_page=True)
