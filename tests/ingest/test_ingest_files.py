"""Files as agencies make them, files refused whole, and ingest that is safe to repeat."""

from __future__ import annotations

import unicodedata

import pytest

from chalicelib.ingest.reader import SNIFF_BYTES
from tests.factories import windows_1258

HEADER = "ss_code,full_name,date_of_birth,id_number,phone,unit_code,province_code"
PERSON = "0110129425,Nguyễn Thị Hương,1990-03-12,040190001234,0983456789,TZH490L,40"
STORED = {
    "ss_code": "0110129425",
    "full_name": "Nguyễn Thị Hương",
    "date_of_birth": "1990-03-12",
    "phone": "+84983456789",
    "unit_code": "TZH490L",
    "province_code": "40",
}

VARIANTS = {
    "plain": f"{HEADER}\n{PERSON}\n".encode(),
    "utf8_bom": f"\ufeff{HEADER}\n{PERSON}\n".encode(),
    "crlf": f"{HEADER}\r\n{PERSON}\r\n".encode(),
    "quoted_fields": (
        f'{HEADER}\n"0110129425","Nguyễn Thị Hương","1990-03-12",040190001234,"0983 456 789",TZH490L,40\n'
    ).encode(),
    "decomposed_diacritics": unicodedata.normalize("NFD", f"{HEADER}\n{PERSON}\n").encode(),
    "dd_mm_yyyy": f"{HEADER}\n0110129425,Nguyễn Thị Hương,12/03/1990,040190001234,0983456789,TZH490L,40\n".encode(),
    "trailing_spaces": (
        f"{HEADER} \n0110129425 ,Nguyễn Thị Hương  ,1990-03-12 ,040190001234, 0983456789 ,tzh490l ,40 \n"
    ).encode(),
    "empty_lines": f"{HEADER}\n\n{PERSON}\n\n,,,,,,\n".encode(),
    "extra_columns": f"{HEADER},ghi_chu,email\n{PERSON},nhân viên mới,huong@example.vn\n".encode(),
    "windows_1258": windows_1258(f"{HEADER}\r\n{PERSON}\r\n"),
    "semicolons": f"{HEADER}\r\n{PERSON}\r\n".replace(",", ";").encode(),
    "windows_1258_semicolons_quoted": windows_1258(
        f"{HEADER.replace(',', ';')}\r\n"
        '0110129425;"Nguyễn Thị Hương";12/03/1990;040190001234;"0983 456 789";TZH490L;40\r\n'
    ),
    "header_in_any_case_and_order": (
        " Phone ,SS_CODE,Full_Name,Date_of_Birth,ID_Number,Unit_Code,Province_Code\r\n"
        "0983456789,0110129425,Nguyễn Thị Hương,1990-03-12,040190001234,TZH490L,40\r\n"
    ).encode(),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_real_agency_file_is_read_into_the_same_person(variant, ingest, svc) -> None:
    report = ingest("people", f"{variant}.csv", VARIANTS[variant])
    assert (report["status"], report["rows"], report["accepted"], report["rejected"]) == ("done", 1, 1, 0)
    person = svc.tables.people.get("0110129425").attribute_values
    assert {k: v for k, v in person.items() if k != "id_hash"} == STORED


def test_a_quoted_field_with_commas_and_a_newline_keeps_them_and_later_lines_count_right(ingest, svc) -> None:
    text = (
        "unit_code,name,rep_phone\n"
        'TZH490L,"Công ty ""Hoàng Mai"", Nghệ An\nchi nhánh 2",0912345678\n'
        "YN0123A,Cửa Lò,01623 456 789\n"
    )
    report = ingest("employers", "quoted.csv", text)
    assert svc.tables.employers.get("TZH490L").name == 'Công ty "Hoàng Mai", Nghệ An\nchi nhánh 2'
    assert report["errors"] == [
        {
            "line": 4,
            "column": "rep_phone",
            "reason": "old 11-digit number, renumbered in 2018: ********789",
            "code": "old_phone",
        }
    ]


def test_the_id_number_is_stored_only_as_its_keyed_hash(ingest, svc) -> None:
    from chalicelib.domain.id_hash import id_matches

    ingest("people", "p.csv", VARIANTS["plain"])
    [item] = svc.clients.dynamodb.scan(TableName=svc.tables.people.Meta.table_name)["Items"]
    assert "040190001234" not in str(item)
    assert id_matches("040190001234", item["id_hash"]["S"], svc.id_hash_key())


def _many_payments(n: int) -> str:
    return "payment_id,unit_code,paid_on,amount_vnd\n" + "".join(
        f"PT-{i:05d},TZH490L,2026-11-05,{1000 * i}\n" for i in range(1, n + 1)
    )


def test_bytes_that_are_not_utf8_after_a_utf8_head_refuse_the_file_whole_and_change_nothing(ingest, svc) -> None:
    rows = SNIFF_BYTES // len("PT-00001,TZH490L,2026-11-05,1000\n") + 100  # past the head the form is found from
    data = _many_payments(rows).encode() + "PT-99999,TZH490L,2026-11-05,1,Hà Nam\n".encode("cp1258")
    report = ingest("payments", "latin.csv", data)
    assert report["status"] == "rejected" and report["reason"] == f"not UTF-8 text (line {rows + 2})"
    assert (report["rows"], report["accepted"]) == (0, 0)
    assert svc.tables.ledger.count() == 0


def test_an_excel_file_with_semicolons_windows_1258_and_grouped_amounts_is_taken(ingest, svc) -> None:
    data = windows_1258(
        "payment_id;unit_code;paid_on;amount_vnd;ghi_chú\r\n"
        "PT-1;TZH490L;05/11/2026;1.500.000;Đã nộp đủ\r\n"
        'PT-2;TZH490L;06/11/2026;"2,750,000";Nộp bổ sung\r\n'
        "PT-3;TZH490L;07/11/2026;12,5;sai\r\n"
    )
    report = ingest("payments", "excel.csv", data)
    assert (report["status"], report["rows"], report["accepted"], report["rejected"]) == ("done", 3, 2, 1)
    assert report["errors"] == [
        {"line": 4, "column": "amount_vnd", "reason": "not a whole number: '12,5'", "code": "not_a_number"}
    ]
    assert svc.tables.ledger.get("payment#PT-1").facts_dict()["amount_vnd"] == 1500000
    assert svc.tables.ledger.get("payment#PT-2").facts_dict()["amount_vnd"] == 2750000


def test_a_windows_1252_file_is_taken_with_its_accents(ingest, svc) -> None:
    data = "unit_code,name,rep_phone\r\nTZH490L,Société Générale,0912345678\r\n".encode("cp1252")
    report = ingest("employers", "western.csv", data)
    assert report["status"] == "done" and report["accepted"] == 1
    assert svc.tables.employers.get("TZH490L").name == "Société Générale"


def test_a_file_in_no_known_encoding_is_refused_whole_with_its_line(ingest, svc) -> None:
    data = b"unit_code,name\r\nTZH490L,C\xf4ng ty\r\nYN0123A,\x81\x8d\r\n"  # 0x81, 0x8D: no character
    report = ingest("employers", "mojibake.csv", data)
    assert report["status"] == "rejected"
    assert report["reason"] == "not UTF-8, Windows-1258 or Windows-1252 text (line 3)"
    assert svc.tables.employers.count() == 0


def test_a_file_that_stops_being_csv_is_refused_whole_and_changes_nothing(ingest, svc) -> None:
    data = _many_payments(300) + 'PT-99999,TZH490L,"2026-11-05,1\n'  # a quote never closed
    report = ingest("payments", "broken.csv", data)
    assert report["status"] == "rejected" and report["reason"].startswith("not CSV")
    assert svc.tables.ledger.count() == 0


def test_a_binary_file_is_refused_with_a_report(ingest, svc) -> None:
    report = ingest("payments", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert report["status"] == "rejected"
    assert report["reason"] == "not UTF-8, Windows-1258 or Windows-1252 text (line 2)"


def test_a_missing_required_column_refuses_the_file_naming_every_missing_one(ingest, svc) -> None:
    report = ingest("hi_cards", "cards.csv", "card_no,valid_from\nGD4400110129425,2026-01-01\n")
    assert report["status"] == "rejected"
    assert report["reason"] == "missing required column: ss_code, valid_to, household"
    assert svc.tables.ledger.count() == 0


def test_a_key_twice_in_one_file_takes_the_later_row(ingest, svc, ledger_stream) -> None:
    text = (
        "dossier_no,procedure,submitter_phone,status,received_on\n"
        "03706/2026/07906,Cấp sổ BHXH,0912345678,received,2026-11-20\n"
        "03706/2026/07906,Cấp sổ BHXH,0912345678,completed,2026-11-20\n"
    )
    report = ingest("dossiers", "d.csv", text)
    assert (report["rows"], report["accepted"], report["rejected"]) == (2, 2, 0)
    assert svc.tables.ledger.get("dossier#03706/2026/07906").facts["status"] == "completed"
    assert ledger_stream() == [("INSERT", "dossier#03706/2026/07906")]


def test_a_key_twice_far_apart_in_one_file_also_ends_with_the_later_row(ingest, svc) -> None:
    text = _many_payments(250) + "PT-00001,TZH490L,2026-11-06,777\n"
    ingest("payments", "p.csv", text)
    facts = svc.tables.ledger.get("payment#PT-00001").facts
    assert (facts["paid_on"], facts["amount_vnd"]) == ("2026-11-06", 777)


def test_the_same_file_again_writes_nothing_and_reports_the_same(ingest, ledger_stream) -> None:
    first = ingest("payments", "p.csv", _many_payments(130))
    before = ledger_stream()
    again = ingest("payments", "p-again.csv", _many_payments(130))
    assert ledger_stream() == before and len(before) == 130
    assert (again["rows"], again["accepted"]) == (first["rows"], first["accepted"]) == (130, 130)


def test_a_corrected_row_updates_its_record_and_only_it_reaches_the_stream(ingest, ledger_stream, svc) -> None:
    ingest("payments", "p.csv", _many_payments(30))
    ingest(
        "payments",
        "p.csv",
        _many_payments(30).replace("PT-00007,TZH490L,2026-11-05,7000", "PT-00007,TZH490L,2026-11-05,7500"),
    )
    assert ledger_stream()[30:] == [("MODIFY", "payment#PT-00007")]
    assert svc.tables.ledger.get("payment#PT-00007").facts["amount_vnd"] == 7500


def test_the_same_arrears_file_a_day_later_changes_nothing(ingest, ledger_stream, clock, svc) -> None:
    text = "unit_code,period,owed_vnd,months_late\nTZH490L,2026-10,45000000,1\n"
    ingest("arrears", "a.csv", text)
    clock.advance(days=1)
    ingest("arrears", "a.csv", text)
    assert ledger_stream() == [("INSERT", "arrears#TZH490L#2026-10")]
    assert svc.tables.ledger.get("arrears#TZH490L#2026-10").due_on == "2026-11-26"


def test_a_corrected_file_under_the_same_name_leaves_no_stale_errors(ingest, s3_text) -> None:
    ingest("payments", "p.csv", "payment_id,unit_code,paid_on,amount_vnd\nP1,TZH490L,2026-11-05,x\n")
    assert s3_text("reports/payments/p.errors.csv").count("\n") == 2
    ingest("payments", "p.csv", "payment_id,unit_code,paid_on,amount_vnd\nP1,TZH490L,2026-11-05,1\n")
    assert s3_text("reports/payments/p.errors.csv") is None  # deleted: the role may delete reports/*.errors.csv


def test_the_errors_list_stops_at_100_but_the_errors_csv_holds_every_rejected_row(ingest, s3_text) -> None:
    text = "payment_id,unit_code,paid_on,amount_vnd\n" + "".join(f"P{i},TZH490L,2026-11-05,-1\n" for i in range(150))
    report = ingest("payments", "bad.csv", text)
    assert (report["rows"], report["rejected"], len(report["errors"])) == (150, 150, 100)
    assert report["errors"][-1]["line"] == 101
    assert len(s3_text("reports/payments/bad.errors.csv").splitlines()) == 151


def test_a_crash_half_way_then_redelivery_writes_every_row_once_and_one_report(
    upload, deliver, read_report, ledger_stream, functions, s3_text, monkeypatch
) -> None:
    client = functions.services("ingest").clients.dynamodb
    real_write = client.batch_write_item
    calls = {"n": 0}

    def crash_after_four(**kwargs):
        calls["n"] += 1
        if calls["n"] > 4:
            raise ConnectionError("the Lambda died here")
        return real_write(**kwargs)

    monkeypatch.setattr(client, "batch_write_item", crash_after_four)
    key = upload("payments", "big.csv", _many_payments(260))
    assert len(deliver(key)) == 1  # S3's event: the file was taken in its one invocation, which died
    assert len(ledger_stream()) == 100 and s3_text("reports/payments/big.json") is None

    monkeypatch.setattr(client, "batch_write_item", real_write)
    assert deliver(key) == []
    stream = ledger_stream()
    assert len(stream) == 260 and {e for e, _ in stream} == {"INSERT"}
    assert len({pk for _, pk in stream}) == 260
    report = read_report("reports/payments/big.json")
    assert (report["rows"], report["accepted"]) == (260, 260)


def test_a_file_that_keeps_failing_is_reported_to_the_queue_with_its_reason_logged(deliver, stack, caplog, svc) -> None:
    answer = deliver("incoming/payments/vanished.csv", event=True)  # the object is gone: S3 answers 404
    assert len(answer) == 1
    [logged] = [r for r in caplog.records if r.getMessage() == "file not ingested"]
    assert logged.file == "incoming/payments/vanished.csv" and logged.error == "FileGone"
    assert logged.exc_info is not None


def test_unprocessed_items_are_retried_with_backoff_until_written(svc, stack, monkeypatch) -> None:
    from datetime import datetime

    from chalicelib.domain.clock import ICT
    from chalicelib.ingest.kinds import KINDS, Context, parse_row
    from chalicelib.store.writer import RecordWriter

    client = svc.clients.dynamodb
    real_write = client.batch_write_item
    sleeps: list[float] = []

    def half_unprocessed(RequestItems):
        [(table, requests)] = RequestItems.items()
        taken = (len(requests) + 1) // 2
        real_write(RequestItems={table: requests[:taken]})
        rest = requests[taken:]
        return {"UnprocessedItems": {table: rest} if rest else {}}

    monkeypatch.setattr(client, "batch_write_item", half_unprocessed)
    writer = RecordWriter(client, svc.tables, sleep=sleeps.append)
    ctx = Context(now=datetime(2026, 11, 25, tzinfo=ICT))
    for i in range(20):
        row = {"payment_id": f"P{i}", "unit_code": "TZH490L", "paid_on": "2026-11-05", "amount_vnd": str(i)}
        writer.put(parse_row(KINDS["payments"], row, ctx)[0])
    writer.close()
    assert svc.tables.ledger.count() == 20
    assert len(sleeps) >= 4 and all(0 <= s <= 5 for s in sleeps)


def test_the_ingest_queue_sends_a_message_that_keeps_failing_to_its_dead_letter_queue(stack) -> None:
    import json

    import boto3

    sqs = boto3.client("sqs", region_name="ap-southeast-1")
    attributes = sqs.get_queue_attributes(QueueUrl=stack.ingest_queue_url, AttributeNames=["RedrivePolicy"])
    policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith("-ingest-dlq") and int(policy["maxReceiveCount"]) == 5
