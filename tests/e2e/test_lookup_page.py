"""The lookup page in real headless Chromium (Debian's, through Playwright) against the running
local stack: ask for a code, read it from the SMS moto recorded, sign in, see the right months. On a
phone (390 px) and a laptop: nothing wider than the screen, owed months first and the newest first,
the flag button on screen; a flag shows its case's code and state, open then closed with the agency's
answer; axe-core finds nothing serious on any screen, the months table's keyboard scroll included."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, wait_for
from tests.e2e.lookup_data import ANNA, ANNA_PHONE, CARD, DOSSIER, OWED, seed

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
CASE_CODE = re.compile(r"BHXH-40-\d{4}-\d{4}")

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


def _context(playwright, chromium: Path, profile: Path, screen: str):
    phone = screen == "phone"
    return playwright.chromium.launch_persistent_context(
        user_data_dir=str(profile),  # a fresh profile each run
        executable_path=str(chromium),
        headless=True,
        args=ARGS,
        viewport=SCREENS[screen],
        is_mobile=phone,
        has_touch=phone,
        locale="vi-VN",
    )


@pytest.fixture
def browser_page(chromium: Path, tmp_path: Path):
    """A phone's screen."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = _context(playwright, chromium, tmp_path / "profile", "phone")
        context.set_default_timeout(20_000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def _otp_sms(local_stack, phone: str = ANNA_PHONE) -> str:
    sms = wait_for(
        lambda: [m for m in local_stack.sms() if m["phone_number"] == phone and "Ma xac thuc" in m["message"]],
        "the OTP SMS",
    )
    return re.search(r"\b(\d{6})\b", sms[-1]["message"]).group(1)


def _sign_in(page, local_stack, ss: str = ANNA, phone: str = ANNA_PHONE) -> None:
    page.goto(f"{local_stack.api}/")
    page.fill("#ss-code", ss)
    page.click("#send-otp")
    page.wait_for_selector("#otp", state="visible")
    page.fill("#otp", _otp_sms(local_stack, phone))
    page.click("#sign-in")
    page.wait_for_selector("#months tbody tr[data-period]")


def _axe(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)


def _fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"


def _on_screen(page, selector: str) -> None:
    """Wholly within the viewport as the page first shows it: no scrolling sideways, nor down."""
    box = page.eval_on_selector(
        selector, "el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
    )
    size = page.evaluate("[window.innerWidth, window.innerHeight]")
    assert box[0] >= 0 and box[2] <= size[0] and box[1] >= 0 and box[3] <= size[1], (box, size)


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
    rows = page.eval_on_selector_all(
        "#months tbody tr[data-period]", "rows => rows.map(r => [r.dataset.period, r.className])"
    )
    assert [period for period, _ in rows] == [f"2025-{m:02d}" for m in range(12, 0, -1)]  # newest first
    assert [period for period, cls in rows if cls == "owed"] == sorted(OWED, reverse=True)
    assert page.inner_text("#me-name") == "Nguyễn Thị Ánh"
    assert "Tham gia BHXH 10 tháng" in page.inner_text("#totals") and "còn nợ 2 tháng" in page.inner_text("#totals")
    assert "Còn nợ" in page.inner_text("#months tbody tr.owed >> nth=0")
    assert "8.000.000" in page.inner_text("#months tbody tr[data-period] >> nth=0")
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


@pytest.mark.parametrize(
    ("screen", "ss", "phone"), [("phone", "0110129426", "+84912345601"), ("desktop", "0110129427", "+84912345602")]
)
def test_the_history_fits_the_screen_owed_and_newest_first_and_a_flag_shows_its_case_to_the_end(
    local_stack, chromium, tmp_path, screen, ss, phone
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.test_console_page import _call, _token

    seed(local_stack, ss, phone)
    with sync_playwright() as playwright:
        context = _context(playwright, chromium, tmp_path / "profile", screen)
        context.set_default_timeout(20_000)
        page = context.pages[0] if context.pages else context.new_page()
        _sign_in(page, local_stack, ss, phone)
        _fits(page)
        periods = page.eval_on_selector_all("#months tbody tr[data-period]", "rows => rows.map(r => r.dataset.period)")
        assert periods[:2] == ["2025-12", "2025-11"]  # the owed months, on top
        assert periods == sorted(periods, reverse=True)  # and every month newest first
        button = "#months tbody tr[data-period='2025-12'] button.flag"
        _on_screen(page, button)
        assert page.inner_text(button) == "Báo sai"
        _axe(page, f"{screen}: the history with a flag to raise")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"lookup-{screen}.png"), full_page=True)

        page.once("dialog", lambda dialog: dialog.accept())
        page.click(button)
        row = "#months tbody tr[data-period='2025-12'][data-flag-status='open']"
        page.wait_for_selector(row)
        code = CASE_CODE.search(page.inner_text(row)).group(0)
        assert code in page.inner_text("#flag-result") and "Đã gửi" in page.inner_text("#flag-result")
        assert "đang xử lý" in page.inner_text(row)
        assert page.locator(f"{button}").count() == 0  # flagged once: its state instead of the button
        assert page.locator("#months tbody tr[data-period='2025-11'] button.flag").count() == 1
        _fits(page)
        _axe(page, f"{screen}: a flag sent")
        page.screenshot(path=str(SCREENSHOTS / f"lookup-{screen}-flagged.png"), full_page=True)

        support = _token(local_stack, "support.na")
        found = _call(local_stack, "GET", f"/v1/agency/cases?code={code}", support)[1]["cases"]
        [case] = found  # the staff's search by the code the person reads
        answer = "Đơn vị đã nộp bổ sung tháng 12/2025."
        closed = _call(local_stack, "POST", f"/v1/agency/cases/{case['id']}/close", support, {"outcome": answer})
        assert closed[0] == 200, closed
        page.click("#show-months")
        page.wait_for_selector("#months tbody tr[data-period='2025-12'][data-flag-status='closed']")
        shown = page.inner_text("#months tbody tr[data-period='2025-12']")
        assert code in shown and "Đã xử lý xong" in shown and answer in shown
        page.click("#lang-switch")
        shown = page.inner_text("#months tbody tr[data-period='2025-12']")
        assert "Handled on" in shown and answer in shown and code in shown
        _fits(page)
        _axe(page, f"{screen}: a flag closed, in English")
        page.screenshot(path=str(SCREENSHOTS / f"lookup-{screen}-closed.png"), full_page=True)
        context.close()


def test_the_months_table_scrolls_by_keyboard_where_it_is_wider_than_the_screen(local_stack, chromium, tmp_path):
    """Between a phone and a laptop (660 px) the table is a table and may scroll: its region takes the
    focus, the arrow keys scroll it, and axe's scrollable-region rule holds."""
    from playwright.sync_api import sync_playwright

    # a person of its own: the module's stack has already sent Anna the 3 OTPs she may have in 15 minutes
    ss, phone = "0110129428", "+84912345603"
    seed(local_stack, ss, phone)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=ARGS,
            viewport={"width": 660, "height": 900},
            locale="vi-VN",
        )
        context.set_default_timeout(20_000)
        page = context.pages[0] if context.pages else context.new_page()
        _sign_in(page, local_stack, ss, phone)
        _fits(page)
        wrap = "#months-region"
        assert page.eval_on_selector(wrap, "el => el.scrollWidth > el.clientWidth")  # wider than its place
        page.focus("#show-months")
        for _ in range(3):  # the region is reached by Tab (the notes between are not focusable)
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "months-region":
                break
        assert page.evaluate("document.activeElement.id") == "months-region"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("End")
        page.wait_for_function("() => document.querySelector('#months-region').scrollLeft > 0")
        _axe(page, "the months table, scrolled by keyboard")
        context.close()


DEMO_PERSON, DEMO_PHONE = "4026821744", "+84328340912"  # Võ Thanh Thảo, README's person to flag


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory: pytest.TempPathFactory):
    """The local stack as `make run` starts it, with the demo files of samples/ taken."""
    from local.stack.demo import sample_files
    from tests.e2e.conftest import running_stack

    with running_stack(tmp_path_factory.mktemp("demo-state"), BHXH_DEMO="1") as stack:
        s3 = stack.client("s3")
        for kind, path in sample_files():
            report = f"reports/{kind}/{path.stem}.json"
            wait_for(
                lambda r=report: s3.list_objects_v2(Bucket="bhxh-local-ingest", Prefix=r).get("KeyCount"), report, 90
            )
        yield stack


def test_the_readmes_demo_person_sees_the_owed_month_first_and_flags_it_on_a_phone(demo_stack, browser_page) -> None:
    page = browser_page
    _sign_in(page, demo_stack, DEMO_PERSON, DEMO_PHONE)
    _fits(page)
    periods = page.eval_on_selector_all("#months tbody tr[data-period]", "rows => rows.map(r => r.dataset.period)")
    assert periods[0] == "2026-10" and len(periods) == 24  # the owed month, then two years newest first
    assert periods[1:] == sorted(periods[1:], reverse=True)
    _on_screen(page, "#months tbody tr[data-period='2026-10'] button.flag")
    page.wait_for_selector("#claims tbody tr button.flag")
    _fits(page)  # her visit's long facility name wraps inside its card
    _axe(page, "the demo person's history")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#months tbody tr[data-period='2026-10'] button.flag")
    row = "#months tbody tr[data-period='2026-10'][data-flag-status='open']"
    page.wait_for_selector(row)
    code = CASE_CODE.search(page.inner_text(row)).group(0)
    assert code in page.inner_text("#flag-result")
    _fits(page)
