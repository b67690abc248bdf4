"""Excel's files in the console, in real headless Chromium on a phone's width: a Windows-1258 file
with semicolons and grouped amounts and an `.xlsx` workbook are checked and previewed like any CSV;
a file in no known encoding is listed as refused, its reason in Vietnamese (then English) with what
to do, and the page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.clock import ICT
from tests.e2e import test_console_page as part_one
from tests.e2e.conftest import RunningStack, running_stack, wait_for
from tests.e2e.test_console_page import SCREENSHOTS, _axe, _sign_in
from tests.factories import windows_1258, workbook

chromium = part_one.chromium  # the same Debian chromium and browser context as the console's test
browser = part_one.browser

UNITS = "unit_code,name,rep_phone,province_code\n" + "".join(f"NA{n:04d}X,Công ty {n},0912{n:06d},40\n" for n in (1, 2))
EXCEL_CSV = windows_1258(
    "payment_id;unit_code;paid_on;amount_vnd;ghi_chú\r\n"
    "PT-E1;NA0001X;05/11/2026;1.500.000;Đã nộp đủ\r\n"
    "PT-E2;NA0002X;06/11/2026;2.750.000;Nộp bổ sung\r\n"
)
WORKBOOK = workbook(
    [
        ["payment_id", "unit_code", "paid_on", "amount_vnd"],
        ["PT-X1", "NA0001X", datetime(2026, 11, 5), 3200000.0],
        ["PT-X2", "NA0002X", datetime(2026, 11, 6), 12.5],
    ]
)
NOT_TEXT = b"payment_id,unit_code,paid_on,amount_vnd\r\nPT-Z1,NA0001X,2026-11-05,\x81\x8d\r\n"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("excel-state")) as running:
        tomorrow_ten = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        running.set_clock(tomorrow_ten.isoformat())
        running.client("s3").put_object(
            Bucket="bhxh-local-ingest", Key="incoming/employers/units.csv", Body=UNITS.encode()
        )
        yield running


def _check_first(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.select_option("#upload-kind", "payments")
    page.set_input_files("#upload-file", str(path))
    page.check("#mode-check")
    page.click("#upload-submit")
    stem = name.rsplit(".", 1)[0]
    page.wait_for_function(f"() => document.querySelector('#detail-title').textContent === 'payments/{stem}'")


def test_excel_files_are_checked_and_a_refused_one_says_why_in_vietnamese_and_english(stack, browser, tmp_path) -> None:
    wait_for(
        lambda: (
            stack.client("s3").list_objects_v2(Bucket="bhxh-local-ingest", Prefix="reports/employers/").get("KeyCount")
        ),
        "the employers' report",
    )
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, stack, "uploader.na")

    _check_first(page, tmp_path, "excel-1258.csv", EXCEL_CSV)
    page.wait_for_selector("#preview:not([hidden])")
    assert page.inner_text("#detail-rows") == "2 dòng: 2 nhận, 0 lỗi"
    assert page.inner_text("#preview-notices") == "2"
    samples = page.eval_on_selector_all("#samples li", "items => items.map(i => i.textContent)")
    assert any("1.500.000 dong" in s for s in samples)

    _check_first(page, tmp_path, "bang.xlsx", WORKBOOK)
    assert page.input_value("#upload-name") == ""  # the form was reset after the upload
    page.wait_for_selector("#preview:not([hidden])")
    assert page.inner_text("#detail-rows") == "2 dòng: 1 nhận, 1 lỗi"
    assert page.locator("#files tbody tr[data-file='staged/payments/bang.csv']").count() == 1

    _check_first(page, tmp_path, "hong.csv", NOT_TEXT)
    page.wait_for_function("() => document.querySelector('#detail-status').textContent === 'Bị từ chối'")
    reason = page.inner_text("#detail-reason")
    assert "Tệp không phải văn bản CSV" in reason and "Mở tệp bằng Excel" in reason and "(line 2)" in reason
    assert page.is_hidden("#release") and page.is_visible("#cancel")
    row = page.locator("#files tbody tr[data-file='staged/payments/hong.csv'][data-status='rejected']")
    row.wait_for()  # the list redraws on its own 2-second refresh, which can come after the file's page
    assert "Bị từ chối" in row.inner_text() and "Tệp không phải văn bản CSV" in row.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-refused-phone.png"), full_page=True)
    _axe(page, "a refused file, phone")

    page.click("#lang-switch")
    page.wait_for_function("() => document.querySelector('#detail-status').textContent === 'Rejected'")
    assert "not CSV text" in page.inner_text("#detail-reason") and "save it as" in page.inner_text("#detail-reason")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "console-refused-desktop-en.png"), full_page=True)
    _axe(page, "a refused file, desktop, English")
