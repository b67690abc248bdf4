"""CONTRACT's further rules for batch files (issue 13's ingest findings), each as an agency or an
attacker would meet it: what the file says is taken, nothing else is touched, and every file gets
its report."""

from __future__ import annotations

import csv
import io
import json

import boto3
import pytest

from tests.conftest import REGION
from tests.factories import PERSON_PHONE, SS, UNIT

PEOPLE = "ss_code,full_name,date_of_birth,id_number,phone,unit_code,province_code\n"
PAYMENTS = "payment_id,unit_code,paid_on,amount_vnd\n"


def _s3_text(stack, key: str) -> str:
    return boto3.client("s3", region_name=REGION).get_object(Bucket=stack.bucket, Key=key)["Body"].read().decode()


# --- a people file with only some columns -------------------------------------------------------


def test_a_people_file_of_the_required_columns_corrects_names_and_keeps_the_rest(ingest, svc) -> None:
    from chalicelib.domain.id_hash import id_matches

    ingest("people", "full.csv", PEOPLE + f"{SS},Nguyễn Văn An,1990-01-01,040190001234,0987654321,{UNIT},40\n")
    report = ingest("people", "names.csv", f"ss_code,full_name,date_of_birth\n{SS},Nguyễn Văn Ân,1990-01-01\n")
    assert (report["status"], report["accepted"]) == ("done", 1)
    person = svc.tables.people.get(SS)
    assert person.full_name == "Nguyễn Văn Ân"
    assert (person.phone, person.unit_code, person.province_code) == (PERSON_PHONE, UNIT, "40")
    assert id_matches("040190001234", person.id_hash, svc.id_hash_key())


def test_an_empty_cell_in_a_column_the_file_carries_clears_that_value(ingest, svc) -> None:
    ingest("people", "full.csv", PEOPLE + f"{SS},Nguyễn Văn An,1990-01-01,040190001234,0987654321,{UNIT},40\n")
    ingest("people", "no-unit.csv", f"ss_code,full_name,date_of_birth,unit_code\n{SS},Nguyễn Văn An,1990-01-01,\n")
    person = svc.tables.people.get(SS)
    assert person.unit_code is None and person.phone == PERSON_PHONE and person.id_hash


def test_a_fact_keeps_an_optional_value_its_later_file_does_not_carry(ingest, svc) -> None:
    ingest("payments", "a.csv", PAYMENTS.replace("\n", ",period\n") + f"P1,{UNIT},2026-11-05,100,2026-10\n")
    ingest("payments", "b.csv", PAYMENTS + f"P1,{UNIT},2026-11-05,100\n")
    assert svc.tables.ledger.get("payment#P1").facts["period"] == "2026-10"


# --- files refused whole: nothing written ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "twice",
            f"ss_code,full_name,date_of_birth, SS_Code \n{SS},A,1990-01-01,0110129999\n",
            "duplicate column: 'ss_code'",
        ),
        ("wide", ",".join(f"c{i}" for i in range(201)) + "\n" + ",".join("x" * 201) + "\n", "more than 200 columns"),
        ("long_header", "ss_code," + "x" * (1 << 20) + "\n", "line over 1 MiB (line 1)"),
        (
            "long_line",
            PEOPLE + f"{SS},A,1990-01-01,,,,\n" + f'0110129426,"{"y" * (1 << 20)}",1990-01-01,,,,\n',
            "line over 1 MiB (line 3)",
        ),
        (
            "long_quoted_record",  # a quoted field of many short lines is one line of the CSV
            PEOPLE + '0110129426,"' + "y\n" * (600 * 1024) + '",1990-01-01,,,,\n',
            "line over 1 MiB (line 2)",
        ),
    ],
)
def test_a_file_the_caps_refuse_is_refused_whole_and_changes_nothing(ingest, svc, name, data, reason) -> None:
    report = ingest("people", f"{name}.csv", data)
    assert report["status"] == "rejected" and report["reason"].startswith(reason)
    assert (report["rows"], report["accepted"]) == (0, 0)
    assert svc.tables.people.count() == 0


def test_a_line_over_the_cap_late_in_a_file_of_many_chunks_still_changes_nothing(ingest, svc) -> None:
    from dataclasses import replace

    svc.settings = replace(svc.settings, ingest_chunk_bytes=4096)
    rows = "".join(f"{4000000000 + i},Người {i},1990-01-01,,,,\n" for i in range(400))
    report = ingest("people", "late.csv", PEOPLE + rows + "4999999999," + "z" * (1 << 20) + ",1990-01-01,,,,\n")
    assert report["status"] == "rejected" and report["reason"] == "line over 1 MiB (line 402)"
    assert svc.tables.people.count() == 0


# --- rows refused alone --------------------------------------------------------------------------


def test_a_field_over_128_kib_rejects_its_row_and_the_file_goes_on(ingest, svc, stack) -> None:
    big = "n" * (128 * 1024 + 1)
    data = PEOPLE + f"{SS},A,1990-01-01,,,,\n0110129426,B,1990-01-01,,,,{big}\n0110129427,C,1990-01-01,,,,\n"
    report = ingest("people", "field.csv", data)
    assert (report["status"], report["rows"], report["accepted"], report["rejected"]) == ("done", 3, 2, 1)
    assert report["errors"] == [
        {"line": 3, "column": "province_code", "reason": "field over 128 KiB", "code": "field_too_large"}
    ]
    assert svc.tables.people.count() == 2


@pytest.mark.parametrize(
    "name",
    ["Nguyễn\u202eVăn An", "Nguyễn\u2066An\u2069", "Nguyễn\x07An", "Nguyễn\tVăn", "Nguyễn\x85An", "An\u200f"],
)
def test_control_and_bidi_characters_in_a_name_reject_its_row(ingest, svc, name) -> None:
    report = ingest("people", "names.csv", PEOPLE + f'{SS},"{name}",1990-01-01,,,,\n0110129426,Bình,1990-01-01,,,,\n')
    assert (report["accepted"], report["rejected"]) == (1, 1)
    [error] = report["errors"]
    assert error["column"] == "full_name" and ("control" in error["reason"] or "bidi" in error["reason"])


def test_a_quoted_line_break_in_a_name_is_still_taken(ingest, svc) -> None:
    report = ingest("employers", "e.csv", 'unit_code,name\nTZH490L,"Công ty\r\nchi nhánh 2"\n')
    assert report["accepted"] == 1 and svc.tables.employers.get("TZH490L").name == "Công ty\r\nchi nhánh 2"


# --- the errors CSV: capped, and never a formula ----------------------------------------------


def test_the_errors_csv_stops_after_its_cap_and_says_so(ingest, svc, stack, monkeypatch) -> None:
    from dataclasses import replace

    from chalicelib.ingest import finish, pieces, report

    for module in (report, finish, pieces):
        monkeypatch.setattr(module, "MAX_ERROR_ROWS", 50)  # CONTRACT's 100,000, made small
    svc.settings = replace(svc.settings, ingest_chunk_bytes=1024)  # and spread over many chunks
    rows = "".join(f"P{i},{UNIT},2026-11-05,{'x' if i % 3 else i}\n" for i in range(300))
    result = ingest("payments", "many-bad.csv", PAYMENTS + rows)
    assert (result["rows"], result["accepted"], result["rejected"]) == (300, 100, 200)
    assert result["errors_truncated"] is True and len(result["errors"]) == 100
    lines = list(csv.reader(io.StringIO(_s3_text(stack, "reports/payments/many-bad.errors.csv"))))
    assert lines[0] == ["line", "column", "reason"]
    assert [int(r[0]) for r in lines[1:-1]] == [i + 2 for i in range(300) if i % 3][:50]  # the first 50, in order
    assert lines[-1][:2] == ["", ""] and "first 50 rejected rows" in lines[-1][2] and "200 rows" in lines[-1][2]


def test_a_file_under_the_cap_is_not_marked_truncated(ingest) -> None:
    result = ingest("payments", "few-bad.csv", PAYMENTS + f"P1,{UNIT},2026-11-05,x\n")
    assert result["rejected"] == 1 and "errors_truncated" not in result


def test_cells_a_spreadsheet_would_run_are_written_as_text(ingest, stack) -> None:
    hostile = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
    row = ",".join('"' + cell.replace('"', '""') + '"' for cell in hostile)
    ingest("payments", "hostile.csv", PAYMENTS.replace("\n", ",note\n") + f"{row},ok\n")
    [_header, *lines] = list(csv.reader(io.StringIO(_s3_text(stack, "reports/payments/hostile.errors.csv"))))
    assert len(lines) == 4  # a line per reason: payment_id, unit_code, paid_on, amount_vnd
    for line in lines:
        assert line[3:] == ["'" + cell for cell in hostile] + ["ok"]
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in line)


# --- the object version named by the event ------------------------------------------------------


def _event(stack, key: str, version: str, sequencer: str) -> str:
    record = {
        "eventName": "ObjectCreated:Put",
        "s3": {
            "bucket": {"name": stack.bucket},
            "object": {"key": key, "versionId": version, "sequencer": sequencer},
        },
    }
    return json.dumps({"Records": [record]})


@pytest.fixture
def versions(stack):
    """Uploads without S3's own events, so that each test says which events arrive, and when."""
    s3 = boto3.client("s3", region_name=REGION)

    def put(key: str, text: str) -> str:
        return s3.put_object(Bucket=stack.bucket, Key=key, Body=text.encode())["VersionId"]

    return put


def test_the_version_the_event_names_is_the_one_read(versions, stack, drain_ingest, svc) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    key = "incoming/payments/p.csv"
    first = versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,100\n")
    versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,999\n")  # replaced before its event was read
    _quiet(drain_ingest)  # S3's own events of both
    svc.tables.ledger.get("payment#P1").delete()
    sqs.send_message(QueueUrl=stack.ingest_queue_url, MessageBody=_event(stack, key, first, "0A"))
    assert drain_ingest() == []
    assert svc.tables.ledger.get("payment#P1").facts["amount_vnd"] == 100 or pytest.fail("read the latest")


def test_two_quick_uploads_under_one_name_are_both_taken_in_order(
    versions, stack, drain_ingest, svc, ledger_stream, read_report
) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    key = "incoming/payments/q.csv"
    _quiet(drain_ingest)
    v1 = versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,100\nP2,{UNIT},2026-11-05,200\n")
    v2 = versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,150\n")
    _drop_s3_events(stack)
    for version, seq in ((v1, "0A"), (v2, "0B")):
        sqs.send_message(QueueUrl=stack.ingest_queue_url, MessageBody=_event(stack, key, version, seq))
    assert drain_ingest() == []
    assert ledger_stream() == [("INSERT", "payment#P1"), ("INSERT", "payment#P2"), ("MODIFY", "payment#P1")]
    assert read_report("reports/payments/q.json")["rows"] == 1  # the last upload's report
    assert svc.tables.ledger.get("payment#P1").facts["amount_vnd"] == 150


def test_an_upload_that_arrives_while_the_one_before_runs_waits_for_it(
    versions, stack, drain_ingest, svc, functions, ledger_stream
) -> None:
    from dataclasses import replace

    from local.pump.lambda_events import LocalContext
    from tests.ingest.conftest import sqs_event_for

    svc.settings = replace(svc.settings, ingest_chunk_bytes=512)
    key = "incoming/payments/r.csv"
    _quiet(drain_ingest)
    v1 = versions(key, PAYMENTS + "".join(f"P{i},{UNIT},2026-11-05,{i}\n" for i in range(100)))
    v2 = versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,777\n")
    _drop_s3_events(stack)
    first = sqs_event_for(stack.bucket, key)
    first["Records"][0]["body"] = _event(stack, key, v1, "0A")
    functions.invoke("ingest", first, LocalContext("ingest"))  # v1 is cut, its chunks wait on the queue
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=stack.ingest_queue_url, MessageBody=_event(stack, key, v2, "0B"))
    assert drain_ingest() == []
    p1 = [event for event, pk in ledger_stream() if pk == "payment#P1"]
    assert p1 == ["INSERT", "MODIFY"] and svc.tables.ledger.get("payment#P1").facts["amount_vnd"] == 777
    assert svc.tables.ledger.count() == 100


def test_an_older_upload_whose_event_comes_late_is_not_taken_over_a_newer_one(
    versions, stack, drain_ingest, svc
) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    key = "incoming/payments/s.csv"
    _quiet(drain_ingest)
    v1 = versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,100\n")
    v2 = versions(key, PAYMENTS + f"P1,{UNIT},2026-11-05,150\n")
    _drop_s3_events(stack)
    for version, seq in ((v2, "0B"), (v1, "0A")):  # S3 does not promise order: the sequencer does
        sqs.send_message(QueueUrl=stack.ingest_queue_url, MessageBody=_event(stack, key, version, seq))
    assert drain_ingest() == []
    assert svc.tables.ledger.get("payment#P1").facts["amount_vnd"] == 150


def test_the_local_stack_gives_moto_s_events_the_version_and_sequencer_s3_gives(stack) -> None:
    from local.pump.lambda_events import with_versions

    s3 = boto3.client("s3", region_name=REGION)
    key = "incoming/payments/t.csv"
    ids = [s3.put_object(Bucket=stack.bucket, Key=key, Body=body)["VersionId"] for body in (b"a", b"b", b"a")]
    etag = s3.head_object(Bucket=stack.bucket, Key=key, VersionId=ids[0])["ETag"]
    event = {"Records": [{"s3": {"bucket": {"name": stack.bucket}, "object": {"key": key, "eTag": etag}}}]}
    taken: set = set()
    found = [json.loads(with_versions(json.dumps(event), s3, taken))["Records"][0]["s3"]["object"] for _ in range(2)]
    assert [f["versionId"] for f in found] == [ids[0], ids[2]]  # the same bytes twice: the oldest first
    assert found[0]["sequencer"] < found[1]["sequencer"]


def _quiet(drain) -> None:
    drain()


def _drop_s3_events(stack) -> None:
    """S3's own events of the uploads above are dropped: the test sends the events it means."""
    sqs = boto3.client("sqs", region_name=REGION)
    while messages := sqs.receive_message(QueueUrl=stack.ingest_queue_url, MaxNumberOfMessages=10).get("Messages"):
        for m in messages:
            sqs.delete_message(QueueUrl=stack.ingest_queue_url, ReceiptHandle=m["ReceiptHandle"])


# --- a changed phone ------------------------------------------------------------------------------


def test_a_changed_phone_tells_the_old_phone_once(make, upload, pump, sent_sms, clock) -> None:
    make.person(SS, phone=PERSON_PHONE)
    row = f"{SS},Nguyễn Văn An,1990-01-01,,0912000789,{UNIT},40\n"
    upload("people", "moved.csv", PEOPLE + row)
    pump.run_until_idle()
    upload("people", "moved-again.csv", PEOPLE + row)  # the same phone again: nothing new
    pump.run_until_idle()
    [sms] = sent_sms()
    assert sms.phone == PERSON_PHONE
    assert "********789" in sms.text and "25/11/2026" in sms.text and "1900 9068" in sms.text


def test_a_first_phone_or_an_unchanged_one_tells_nobody(make, upload, pump, sent_sms) -> None:
    make.person(SS, phone=None)
    upload("people", "first.csv", PEOPLE + f"{SS},Nguyễn Văn An,1990-01-01,,0912000789,{UNIT},40\n")
    upload("people", "names.csv", f"ss_code,full_name,date_of_birth\n{SS},Nguyễn Văn Ân,1990-01-01\n")
    pump.run_until_idle()
    assert sent_sms() == []


def test_a_header_of_200_long_names_is_carried_from_chunk_to_chunk(ingest, svc) -> None:
    from dataclasses import replace

    svc.settings = replace(svc.settings, ingest_chunk_bytes=64 * 1024)
    names = ["ss_code", "full_name", "date_of_birth"] + [f"ghi_chu_{i}_" + "x" * 4000 for i in range(197)]
    rows = "".join(f"{4000000000 + i},Người {i},1990-01-01" + "," * 197 + "\n" for i in range(3000))
    report = ingest("people", "wide-names.csv", ",".join(names) + "\n" + rows)
    assert (report["status"], report["accepted"]) == ("done", 3000)


# --- a dossier's state never goes backwards ------------------------------------------------------

DOSSIERS = "dossier_no,procedure,submitter_phone,status,received_on,completed_on\n"
DOSSIER = "03706/2026/07906"


def test_a_dossier_s_earlier_state_from_a_file_processed_later_does_not_overwrite_a_later_one(ingest, svc) -> None:
    ingest("dossiers", "nov-20.csv", DOSSIERS + f"{DOSSIER},TS,0912345678,completed,2026-11-01,2026-11-20\n")
    report = ingest("dossiers", "nov-05.csv", DOSSIERS + f"{DOSSIER},TS,0912345678,processing,2026-11-01,\n")
    assert (report["status"], report["accepted"], report["rejected"]) == ("done", 1, 0)
    facts = svc.tables.ledger.get(f"dossier#{DOSSIER}").facts
    assert (facts["status"], facts["completed_on"]) == ("completed", "2026-11-20")


def test_of_two_states_on_one_day_the_further_one_stays_then_the_later_upload_wins(ingest, svc) -> None:
    ingest("dossiers", "a.csv", DOSSIERS + f"{DOSSIER},TS,0912345678,processing,2026-11-01,\n")
    ingest("dossiers", "b.csv", DOSSIERS + f"{DOSSIER},TS,0912345678,received,2026-11-01,\n")  # an old export
    assert svc.tables.ledger.get(f"dossier#{DOSSIER}").facts["status"] == "processing"
    ingest("dossiers", "c.csv", DOSSIERS + f"{DOSSIER},TS,0912345678,returned,2026-11-01,2026-11-03\n")
    ingest("dossiers", "d.csv", DOSSIERS + f"{DOSSIER},TS,0912345678,completed,2026-11-01,2026-11-03\n")
    assert svc.tables.ledger.get(f"dossier#{DOSSIER}").facts["status"] == "completed"  # same day: upload order


def test_a_newer_dossier_state_stored_between_the_read_and_the_write_is_not_overwritten(svc) -> None:
    """The writer reads, then puts: a newer state another file stored in between still stands
    (the put is conditional on the stored `as_of`)."""
    from datetime import UTC, datetime

    from chalicelib.ingest.kinds import KINDS, Context
    from chalicelib.store.writer import RecordWriter

    kind = KINDS["dossiers"]
    ctx = Context(now=datetime(2026, 11, 25, tzinfo=UTC), taken_at="2026-11-25T01:00:00Z")
    row = {"dossier_no": DOSSIER, "procedure": "TS", "submitter_phone": "0912345678", "received_on": "2026-11-01"}
    older = kind.build({**_values(kind, row), "status": "processing"}, ctx)
    newer = kind.build({**_values(kind, row), "status": "completed", "completed_on": "2026-11-20"}, ctx)
    late = RecordWriter(svc.clients.dynamodb, svc.tables)
    late._read = lambda shape, keys: {}  # type: ignore[method-assign]  # it read before the newer state landed
    first = RecordWriter(svc.clients.dynamodb, svc.tables)
    first.put(newer)
    first.close()
    late.put(older)
    late.close()
    assert svc.tables.ledger.get(f"dossier#{DOSSIER}").facts["status"] == "completed"
    assert (late.stats.stale, late.stats.written) == (1, 0)


def _values(kind, row: dict[str, str]) -> dict:
    return {name: kind.columns[name].parse(raw) for name, raw in row.items()}
