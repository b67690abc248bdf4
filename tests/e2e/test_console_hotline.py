"""The console's part 2 in real headless Chromium (Debian's, through Playwright) against the running
local stack, with data uploaded as the agency would: support.na finds a person by phone and sees each
notice's status and reason, resends the one the carrier refused (exactly one new SMS) and cannot find
a Hà Nội person; viewer.na sees the figures' chart, downloads their CSV and finds those searches in
the audit trail with masked subjects; a person flags an owed month on the lookup page, support.na
sees the case and closes it, and the person gets one SMS. Every view passes axe-core."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.domain.clock import ICT
from tests.e2e import test_console_page as part_one
from tests.e2e.conftest import RunningStack, running_stack, wait_for
from tests.e2e.test_console_page import SCREENSHOTS, _axe, _call, _sign_in, _token

chromium = part_one.chromium  # the same Debian chromium and browser context as part 1's test
browser = part_one.browser

NA, NA_OLD_PHONE, NA_PHONE = "4020000001", "+84912000198", "+84912000111"  # the carrier refuses ...98 locally
HN, HN_PHONE = "0120000002", "+84912000222"
FILES = {
    "employers/units.csv": (
        "unit_code,name,rep_phone,province_code\n"
        "NA0101A,Công ty Vinh,0912000301,40\n"
        "HN0101A,Công ty Hà Nội,0912000302,01\n"
    ),
    "people/people.csv": (
        "ss_code,full_name,date_of_birth,phone,unit_code,province_code\n"
        f"{NA},Lê Thị Hoa,1988-03-04,0912000198,NA0101A,40\n"
        f"{HN},Phạm Văn Nam,1985-06-07,0912000222,HN0101A,01\n"
    ),
    "history/2026.csv": (
        "ss_code,unit_code,period,salary_vnd,si_vnd,hi_vnd,ui_vnd,status\n"
        f"{NA},NA0101A,2026-09,8000000,2040000,360000,160000,paid\n"
        f"{NA},NA0101A,2026-10,8000000,2040000,360000,160000,owed\n"
    ),
    "benefits/thang-11.csv": (
        "benefit_id,ss_code,benefit,amount_vnd,paid_on\n"
        f"BN-1,{NA},sickness,1500000,2026-11-20\n"
        f"BN-3,{HN},pension,5000000,2026-11-20\n"
    ),
}
CORRECTED = {  # the agency corrects the person's phone, then pays a second benefit
    "people/sua-so.csv": (
        "ss_code,full_name,date_of_birth,phone,unit_code,province_code\n"
        f"{NA},Lê Thị Hoa,1988-03-04,0912000111,NA0101A,40\n"
    ),
    "benefits/thang-11b.csv": (
        f"benefit_id,ss_code,benefit,amount_vnd,paid_on\nBN-2,{NA},maternity,9000000,2026-11-21\n"
    ),
}


def _upload(stack: RunningStack, files: dict[str, str]) -> None:
    s3 = stack.client("s3")
    for key, text in files.items():
        s3.put_object(Bucket="bhxh-local-ingest", Key=f"incoming/{key}", Body=text.encode())
        report = f"reports/{key.removesuffix('.csv')}.json"
        wait_for(lambda r=report: s3.list_objects_v2(Bucket="bhxh-local-ingest", Prefix=r).get("KeyCount"), report)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("console2-state")) as running:
        ten = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        running.set_clock(ten.isoformat())  # daytime on the stack's clock: nothing held
        _upload(running, FILES)
        support = _token(running, "support.na")

        def statuses() -> dict[str, str]:
            answer = _call(running, "GET", f"/v1/agency/notices?ss_code={NA}", support)[1]
            return {n["template"]: n["status"] for n in answer.get("notices", [])}

        wait_for(lambda: statuses().get("benefit_paid") == "permanent-failure" or None, "the carrier's refusal")
        _upload(running, CORRECTED)
        wait_for(lambda: len(_sms(running, NA_PHONE, "tro cap thai san")) == 1 or None, "the second benefit's SMS")

        def delivered() -> bool:  # the local carrier's receipt comes a few seconds after the SMS, as a real one
            answer = _call(running, "GET", f"/v1/agency/notices?ss_code={NA}", support)[1]
            return any(n["status"] == "delivered" for n in answer.get("notices", []))

        wait_for(lambda: delivered() or None, "the second benefit's receipt")
        yield running


def _sms(stack: RunningStack, phone: str, containing: str = "") -> list[dict]:
    return [m for m in stack.sms() if m["phone_number"] == phone and containing in m["message"]]


def _rows(page, selector: str, script: str) -> list:
    return page.eval_on_selector_all(selector, script)


def test_support_finds_a_person_resends_the_refused_sms_once_and_cannot_find_hanoi(stack, browser) -> None:
    page = browser.pages[0] if browser.pages else browser.new_page()
    _sign_in(page, stack, "support.na")
    assert page.is_visible("#tab-hotline") and page.is_visible("#tab-cases")
    page.click("#tab-hotline")
    page.select_option("#search-by", "phone")
    page.fill("#search-term", "0912 000 111")
    page.click("#search")
    page.wait_for_selector("#notices tbody tr")
    rows = _rows(
        page,
        "#notices tbody tr",
        "rows => rows.map(r => [r.dataset.template, r.dataset.status, r.cells[3].textContent, r.cells[8].textContent])",
    )
    by_status = {status: (template, reason, phone) for template, status, reason, phone in rows}
    assert by_status["permanent-failure"][0] == "benefit_paid"
    assert "chặn" in by_status["permanent-failure"][1]  # "the carrier or the phone blocked it", in Vietnamese
    assert by_status["permanent-failure"][2] == "********198"
    assert by_status["delivered"] == ("benefit_paid", "Điện thoại đã nhận được tin.", "********111")
    assert "*******001" in page.inner_text("#found") and NA not in page.content()
    # one page: the total said ("1–2 trên 2 tin nhắn"), previous and next disabled
    assert page.inner_text("#notices-caption").startswith(f"1–{len(rows)} trên {len(rows)} tin nhắn")
    assert page.is_disabled("#notices-prev") and page.is_disabled("#notices-next")
    _axe(page, "a person's notices")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-hotline.png"), full_page=True)

    before = len(_sms(stack, NA_PHONE))
    page.click("#notices tbody tr[data-status='permanent-failure'] button.resend")
    page.wait_for_function("() => document.querySelector('#hotline-msg').dataset.resent")
    assert "********111" in page.inner_text("#hotline-msg")
    wait_for(lambda: len(_sms(stack, NA_PHONE)) == before + 1 or None, "the resent SMS")
    resent = _sms(stack, NA_PHONE)[-1]["message"]
    assert "tro cap om dau" in resent and "1.500.000" in resent
    answered = page.get_attribute("#hotline-result", "data-search")
    page.click("#search")  # the same search again: the notice went, and nothing else did
    page.wait_for_function(f"() => document.querySelector('#hotline-result').dataset.search !== '{answered}'")
    statuses = _rows(page, "#notices tbody tr", "rows => rows.map(r => r.dataset.status)")
    assert "permanent-failure" not in statuses, statuses
    assert len(_sms(stack, NA_PHONE)) == before + 1
    assert page.locator("#notices tbody button.resend").count() == 0

    page.fill("#search-term", "0912000222")  # Hà Nội's: answered as for a phone no one holds
    page.click("#search")
    page.wait_for_function("() => document.querySelector('#hotline-msg').classList.contains('error')")
    assert "Không tìm thấy" in page.inner_text("#hotline-msg") and page.is_hidden("#hotline-result")
    page.select_option("#search-by", "ss_code")
    page.fill("#search-term", HN)
    page.eval_on_selector("#hotline-msg", "el => { el.textContent = ''; }")
    page.click("#search")
    page.wait_for_function("() => document.querySelector('#hotline-msg').textContent.includes('Không tìm thấy')")


def test_a_viewer_sees_the_chart_downloads_the_csv_and_the_searches_in_the_trail(stack, browser, tmp_path) -> None:
    support = _token(stack, "support.na")
    _call(stack, "GET", "/v1/agency/notices?phone=0912000111", support)
    _call(stack, "GET", f"/v1/agency/notices?ss_code={HN}", support)
    # the figures follow the outbox's stream: the resend's `sent` is counted a moment after its SMS
    viewer = _token(stack, "viewer.na")
    wait_for(lambda: _call(stack, "GET", "/v1/agency/figures", viewer)[1]["totals"]["sent"] >= 3 or None, "three sent")
    page = browser.pages[0] if browser.pages else browser.new_page()
    _sign_in(page, stack, "viewer.na")
    assert page.is_hidden("#tab-hotline") and page.is_hidden("#tab-cases")
    page.click("#tab-figures")
    page.wait_for_selector("#figures-result:not([hidden])")
    page.wait_for_selector("#chart rect", state="attached")
    assert int(page.get_attribute("#chart", "data-days")) == 7  # the week ending today, days with nothing too
    drawn = _rows(
        page, "#chart rect", "bars => bars.filter(b => +b.getAttribute('height') > 0).map(b => b.dataset.measure)"
    )
    assert {"sent", "delivered", "failed"} <= set(drawn)
    sent = int(page.inner_text("#fig-totals dd[data-measure='sent']").replace(".", ""))
    assert sent >= 3  # Nghệ An's own: two benefits and the resend (OTPs are to a phone: national)
    assert page.locator("#fig-days tbody tr[data-template='benefit_paid']").count() >= 1
    _axe(page, "the figures")
    page.screenshot(path=str(SCREENSHOTS / "console-figures.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#csv-notices")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"figures-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv", saved.name)
    table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert table[0][:4] == ["day", "template", "created", "sent"]
    assert any(row[1] == "benefit_paid" for row in table[1:])

    page.click("#tab-audit")
    page.wait_for_selector("#audit tbody tr")
    page.select_option("#audit-action", "search_notices")
    page.click("#show-audit")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#audit tbody tr')].every(r => r.dataset.action === 'search_notices')"
    )
    subjects = _rows(page, "#audit tbody tr", "rows => rows.map(r => [r.cells[3].textContent, r.cells[4].textContent])")
    assert ["ok", "phone ********111"] in subjects and ["refused", "ss_code *******002"] in subjects
    text = page.inner_text("#audit")
    assert NA not in text and HN not in text and "912000111" not in text and "Lê Thị Hoa" not in text
    _axe(page, "the audit trail")
    page.screenshot(path=str(SCREENSHOTS / "console-audit.png"), full_page=True)


def test_a_person_flags_an_owed_month_support_closes_it_and_the_person_gets_one_sms(stack, browser) -> None:
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.goto(f"{stack.api}/")
    page.fill("#ss-code", NA)
    page.click("#send-otp")
    page.wait_for_selector("#otp", state="visible")
    sms = wait_for(lambda: _sms(stack, NA_PHONE, "Ma xac thuc"), "the OTP SMS")
    page.fill("#otp", re.search(r"\b(\d{6})\b", sms[-1]["message"]).group(1))
    page.click("#sign-in")
    page.wait_for_selector("#months tbody tr.owed button.flag")
    _axe(page, "the lookup page with a flag to raise")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#months tbody tr[data-period='2026-10'] button.flag")
    page.wait_for_function("() => document.querySelector('#flag-result').classList.contains('ok')")
    case_id = page.get_attribute("#flag-result", "data-case")
    code = re.search(r"BHXH-40-\d{4}-\d{4}", page.inner_text("#flag-result")).group(0)
    flagged = "#months tbody tr[data-period='2026-10'][data-flag-status='open']"
    page.wait_for_selector(flagged)  # once flagged, the month shows its case, not the button again
    assert code in page.inner_text(flagged) and page.locator(f"{flagged} button.flag").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "lookup-flag.png"), full_page=True)

    console = browser.new_page()
    _sign_in(console, stack, "support.na")
    console.click("#tab-cases")
    row = f"#cases tbody tr[data-id='{case_id}']"
    console.wait_for_selector(row)
    shown = console.inner_text(row)
    assert "10/2026" in shown and "*******001" in shown and NA not in shown and "NA0101A" in shown
    _axe(console, "the open cases")
    console.click(f"{row} button.handle")
    console.fill("#outcome", "Đã làm việc với Công ty Vinh: đơn vị nộp bổ sung tháng 10/2026.")
    _axe(console, "closing a case")
    console.click("#close-case")
    console.wait_for_function(f"() => document.querySelector('#cases-msg').dataset.closed === '{case_id}'")
    assert console.locator(row).count() == 0  # no longer open
    told = wait_for(lambda: _sms(stack, NA_PHONE, "Phan anh"), "the case_closed SMS")
    assert [m["message"] for m in told] == [
        f"BHXH VN: Phan anh ma {code} cua ban ve thang 10/2026 chua duoc dong BHXH da duoc co quan BHXH xu ly"
        " xong. Chi tiet xin goi 1900 9068."
    ]
    console.select_option("#case-status", "closed")
    console.click("#show-cases")
    console.wait_for_selector(row)
    assert "support.na" in console.inner_text(row) and code in console.inner_text(row)
    console.fill("#case-code", code.lower())  # the code the person reads out, as typed
    console.select_option("#case-status", "open")  # a code finds its case in either status
    console.click("#show-cases")
    console.wait_for_function(
        f"() => [...document.querySelectorAll('#cases tbody tr')].map(r => r.dataset.code).join() === '{code}'"
    )
    _axe(console, "a case found by its code")
    console.screenshot(path=str(SCREENSHOTS / "console-cases.png"), full_page=True)
    status, _ = _call(stack, "POST", f"/v1/agency/cases/{case_id}/close", _token(stack, "support.na"), {"outcome": "x"})
    assert status == 409
    assert len(_sms(stack, NA_PHONE, "Phan anh")) == 1


def test_the_stacks_log_holds_no_phone_or_code_of_these_people(stack) -> None:
    text = Path(stack.log).read_text()
    for value in (NA, HN, "912000111", "912000198", "912000222", "Lê Thị Hoa", "Le Thi Hoa"):
        assert value not in text, value
