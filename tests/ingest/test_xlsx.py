"""Excel workbooks are taken as the CSV their first sheet holds, in the contract's formats."""

from __future__ import annotations

from datetime import date, datetime

import boto3
import pytest

from chalicelib.ingest.xlsx import cell_text, csv_key
from tests.conftest import REGION
from tests.factories import workbook


@pytest.mark.parametrize(
    ("value", "shown", "text"),
    [
        (1500000.0, "General", "1500000"),
        (1500000, "#,##0", "1500000"),
        (12.5, "General", "12.5"),
        (datetime(2026, 11, 5), "dd/mm/yyyy", "2026-11-05"),
        (date(2026, 11, 5), "yyyy-mm-dd", "2026-11-05"),
        (datetime(2026, 10, 1), "mm/yyyy", "2026-10"),
        (datetime(2026, 11, 5, 8, 30), "dd/mm/yyyy hh:mm", "2026-11-05 08:30:00"),
        (110129425, "0000000000", "0110129425"),
        (True, "General", "true"),
        (None, "General", ""),
        ("  Nguyễn Văn An ", "@", "  Nguyễn Văn An "),
    ],
)
def test_a_cell_is_written_in_the_contracts_format(value, shown, text) -> None:
    assert cell_text(value, shown) == text


def test_the_workbooks_csv_sits_beside_it_under_the_same_name() -> None:
    assert csv_key("incoming/payments/2026-11.xlsx") == "incoming/payments/2026-11.csv"
    assert csv_key("staged/people/t11.XLSX") == "staged/people/t11.csv"


def test_a_workbook_is_taken_from_its_first_sheet_with_excels_numbers_and_dates(
    upload, deliver, read_report, svc
) -> None:
    data = workbook(
        [
            ["Payment_ID", "unit_code", "paid_on", "amount_vnd", "period"],
            ["PT-1", "TZH490L", datetime(2026, 11, 5), 1500000.0, datetime(2026, 10, 1)],
            ["PT-2", "TZH490L", "06/11/2026", "2.750.000", "10/2026"],
            [None, None, None, None, None],
            ["PT-3", "TZH490L", datetime(2026, 11, 7), 12.5, "2026-10"],
        ],
        formats={"E2": "mm/yyyy"},
    )
    assert deliver(upload("payments", "excel.xlsx", data)) == []
    report = read_report("reports/payments/excel.json")
    assert (report["status"], report["rows"], report["accepted"], report["rejected"]) == ("done", 3, 2, 1)
    assert report["errors"] == [
        {"line": 5, "column": "amount_vnd", "reason": "not a whole number: '12.5'", "code": "not_a_number"}
    ]
    first = svc.tables.ledger.get("payment#PT-1").facts_dict()
    assert (first["paid_on"], first["amount_vnd"], first["period"]) == ("2026-11-05", 1500000, "2026-10")
    assert svc.tables.ledger.get("payment#PT-2").facts_dict()["amount_vnd"] == 2750000


def test_a_workbook_keeps_its_uploaders_metadata_on_the_csv_and_in_the_report(stack, deliver, read_report) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    data = workbook([["unit_code", "name"], ["TZH490L", "Công ty Dệt may Hoàng Mai"]])
    metadata = {"uploaded-by": "clerk.na", "province-code": "40"}
    s3.put_object(Bucket=stack.bucket, Key="incoming/employers/units.xlsx", Body=data, Metadata=metadata)
    assert deliver("incoming/employers/units.xlsx") == []
    report = read_report("reports/employers/units.json")
    assert (report["status"], report["accepted"], report["uploaded_by"], report["province_code"]) == (
        "done",
        1,
        "clerk.na",
        "40",
    )
    head = s3.head_object(Bucket=stack.bucket, Key="incoming/employers/units.csv")
    assert head["Metadata"] == {**metadata, "converted-from": "xlsx"}


def test_a_file_named_xlsx_that_is_no_workbook_is_refused_with_the_reason(upload, deliver, read_report, svc) -> None:
    assert deliver(upload("payments", "broken.xlsx", b"payment_id,unit_code\nPT-1,TZH490L\n")) == []
    report = read_report("reports/payments/broken.json")
    assert report["status"] == "rejected"
    assert report["reason"] == "not an Excel workbook (.xlsx) that can be read: BadZipFile"
    assert svc.tables.ledger.count() == 0


def test_a_workbook_missing_a_required_column_is_refused_as_its_csv_would_be(upload, deliver, read_report) -> None:
    assert deliver(upload("payments", "short.xlsx", workbook([["payment_id", "unit_code"], ["PT-1", "TZH490L"]]))) == []
    report = read_report("reports/payments/short.json")
    assert report["status"] == "rejected" and report["reason"] == "missing required column: paid_on, amount_vnd"


def test_an_event_for_a_workbook_already_gone_is_done_with_not_retried(stack, deliver, svc) -> None:
    assert deliver("incoming/payments/gone.xlsx", event=True) == []
    assert svc.tables.files.count() == 0
