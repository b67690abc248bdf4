"""A file of many chunks gets one report, every row counted once with the file's own line number,
however its invocations are cut short, killed or delivered twice; the file's item says how far."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import boto3
import pytest

from chalicelib.ingest.objects import load_plan
from chalicelib.ingest.pieces import upload_of
from chalicelib.store import files
from local.pump.lambda_events import LocalContext
from tests.conftest import REGION
from tests.factories import windows_1258

HEADER = "card_no,ss_code,valid_from,valid_to,household,facility\n"


def card_line(i: int) -> str:
    ss = f"{4000000000 + i}"
    if i % 7 == 3:  # one row in seven is bad: its card ends before it begins
        return f"GD440{ss},{ss},2026-06-01,2026-01-01,Y,Trạm y tế xã {i}\n"
    return f"GD440{ss},{ss},2026-01-01,2026-12-31,{'Y' if i % 2 else 'N'},Trạm y tế xã {i}\n"


def cards(n: int) -> str:
    return HEADER + "".join(card_line(i) for i in range(n))


@pytest.fixture
def small_chunks(svc):
    """Chunks of about 2,000 bytes (some thirty rows): a small file is cut as a province's would be."""
    svc.settings = replace(svc.settings, ingest_chunk_bytes=2000)
    return svc


@pytest.fixture
def one_chunk(svc):
    def as_one(run):
        chunk = svc.settings.ingest_chunk_bytes
        svc.settings = replace(svc.settings, ingest_chunk_bytes=1 << 30)
        try:
            return run()
        finally:
            svc.settings = replace(svc.settings, ingest_chunk_bytes=chunk)

    return as_one


def pieces_upload(svc, key: str):
    return upload_of(files.get_file(svc.tables, key))


def _errors_csv(stack, key: str) -> str:
    s3 = boto3.client("s3", region_name=REGION)
    return s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read().decode()


def test_a_file_of_many_chunks_gets_the_report_it_gets_in_one_piece(
    small_chunks, one_chunk, upload, deliver, read_report, stack, svc
) -> None:
    text = cards(600)
    assert deliver(upload("hi_cards", "many.csv", text)) == []
    assert one_chunk(lambda: deliver(upload("hi_cards", "whole.csv", text))) == []
    many, whole = read_report("reports/hi_cards/many.json"), read_report("reports/hi_cards/whole.json")
    assert (
        (many["rows"], many["accepted"], many["rejected"])
        == (600, 514, 86)
        == (
            whole["rows"],
            whole["accepted"],
            whole["rejected"],
        )
    )
    assert many["errors"] == whole["errors"] and many["errors"][0]["line"] == 5  # row 3, after the header
    assert _errors_csv(stack, "reports/hi_cards/many.errors.csv") == _errors_csv(
        stack, "reports/hi_cards/whole.errors.csv"
    )
    item = files.get_file(svc.tables, "incoming/hi_cards/many.csv")
    assert item.status == "done" and item.chunks_total == item.chunks_done == item.chunks_checked > 15
    assert files.get_file(svc.tables, "incoming/hi_cards/whole.csv").chunks_total == 1
    assert svc.tables.ledger.count() == 514  # the same cards: written once, then found unchanged


def test_every_chunk_of_a_windows_1258_semicolon_file_is_read_in_the_form_its_head_decided(
    small_chunks, upload, deliver, read_report, stack, svc
) -> None:
    text = cards(300)
    assert deliver(upload("hi_cards", "utf8.csv", text)) == []
    excel = windows_1258(text.replace(",", ";").replace("\n", "\r\n"))
    assert deliver(upload("hi_cards", "excel.csv", excel)) == []
    utf8, got = read_report("reports/hi_cards/utf8.json"), read_report("reports/hi_cards/excel.json")
    assert (
        (got["status"], got["rows"], got["accepted"]) == ("done", utf8["rows"], utf8["accepted"]) == ("done", 300, 257)
    )
    assert got["errors"] == utf8["errors"]
    item = files.get_file(svc.tables, "incoming/hi_cards/excel.csv")
    assert item.chunks_total >= 8  # cut at its own record boundaries, read in its own form
    card = svc.tables.ledger.get("hi_card#GD4404000000299").facts_dict()
    assert card["facility"] == "Trạm y tế xã 299"


def test_no_invocation_writes_more_than_one_chunk_and_each_row_is_counted_once(
    small_chunks, upload, deliver, read_report, svc, monkeypatch, stack
) -> None:
    invocation = {"n": 0}
    rows_by: Counter = Counter()
    real = files.piece_written

    def spy(model, upload_, start, stop, line, counts, at, **kw):
        rows_by[invocation["n"]] += counts.rows
        return real(model, upload_, start, stop, line, counts, at, **kw)

    def context():
        invocation["n"] += 1
        return LocalContext("ingest")

    monkeypatch.setattr(files, "piece_written", spy)
    text = cards(400)
    key = upload("hi_cards", "big.csv", text)
    assert deliver(key, context=context) == []
    assert sum(rows_by.values()) == read_report("reports/hi_cards/big.json")["rows"] == 400
    upload_ = pieces_upload(svc, key)
    _, chunks = load_plan(svc.clients.s3, stack.bucket, upload_)
    biggest = max(text.encode()[c.start : c.end].count(b"\n") for c in chunks)
    assert len(rows_by) == len(chunks) > 10 and max(rows_by.values()) <= biggest


def test_time_running_short_hands_the_rest_of_a_chunk_on_and_the_lines_stay_the_files(
    svc, functions, upload, deliver, read_report, monkeypatch
) -> None:
    """Each invocation has 20 seconds and each BatchWriteItem takes half of one: a chunk is written
    over several invocations, each stopping after a row with time to spare."""
    now = {"t": 0.0}
    client = functions.services("ingest").clients.dynamodb  # the function's own client, under its role
    real = client.batch_write_item

    def slow(**kwargs):
        now["t"] += 0.5
        return real(**kwargs)

    monkeypatch.setattr(client, "batch_write_item", slow)
    key = upload("hi_cards", "slow.csv", cards(3000))
    contexts: list[LocalContext] = []
    late: list[bool] = []

    def context():  # the fake clock moves only inside an invocation: the last one's lateness shows now
        late.extend(c.expired() for c in contexts[-1:])
        contexts.append(LocalContext("ingest", 20_000, clock=lambda: now["t"]))
        return contexts[-1]

    assert deliver(key, context=context) == []
    late.append(contexts[-1].expired())
    report = read_report("reports/hi_cards/slow.json")
    assert (report["rows"], report["accepted"], report["rejected"]) == (3000, 2571, 429)
    assert [e["line"] for e in report["errors"][:3]] == [5, 12, 19]
    assert len(late) >= 4 and not any(late)  # a chunk in several invocations, each handing over in time
    assert files.get_file(svc.tables, key).written is None  # the piece maps go when the file ends
    assert svc.tables.ledger.count() == 2571


def test_an_invocation_killed_mid_chunk_leaves_every_row_taken_once(
    svc, functions, pump, upload, read_report, monkeypatch, ledger_stream, stack
) -> None:
    """One BatchWriteItem stalls past the function's deadline: Lambda kills the invocation there
    (here: its next call fails) and the pump counts it failed; the message comes back and the chunk
    is done again, what was written found unchanged."""
    monkeypatch.setenv("BHXH_LOCAL_TIMEOUT_S", "20")
    now = {"t": 0.0, "calls": 0}
    pump.monotonic = lambda: now["t"]
    pump.retry_after_s = 0
    client = functions.services("ingest").clients.dynamodb
    real = client.batch_write_item
    killed = []

    def stalls_once(**kwargs):
        now["calls"] += 1
        if now["calls"] == 6:
            now["t"] += 60.0  # stuck for a minute: the function's 20 seconds are over
        elif now["calls"] == 7:
            killed.append(now["t"])
            raise TimeoutError("Task timed out after 20.00 seconds")
        return real(**kwargs)

    monkeypatch.setattr(client, "batch_write_item", stalls_once)
    key = upload("hi_cards", "killed.csv", cards(500))
    pump.run_until_idle()
    assert killed  # it died mid-chunk, rows written before it
    report = read_report("reports/hi_cards/killed.json")
    assert (report["rows"], report["accepted"], report["rejected"]) == (500, 429, 71)
    events = [pk for event, pk in ledger_stream() if pk.startswith("hi_card#")]
    assert len(events) == len(set(events)) == 429  # each card written once: the retry found them stored
    item = files.get_file(svc.tables, key)
    assert (item.rows, item.accepted, item.rejected, item.status) == (500, 429, 71, "done")


def test_the_files_item_says_how_far_a_file_is_while_it_runs(small_chunks, svc, functions, upload, stack) -> None:
    from local.pump.lambda_events import sqs_event

    sqs = boto3.client("sqs", region_name=REGION)
    arn = sqs.get_queue_attributes(QueueUrl=stack.ingest_queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    key = upload("hi_cards", "progress.csv", cards(300))
    seen = []
    while messages := sqs.receive_message(QueueUrl=stack.ingest_queue_url, MaxNumberOfMessages=1).get("Messages"):
        functions.invoke("ingest", sqs_event(messages, arn), LocalContext("ingest"))
        sqs.delete_message(QueueUrl=stack.ingest_queue_url, ReceiptHandle=messages[0]["ReceiptHandle"])
        item = files.get_file(svc.tables, key)
        if item is not None:  # (the bucket's test event, from when its notification was set, comes first)
            seen.append(files.progress(item))
    assert seen[0].status == "running" and seen[0].chunks_total > 5 and seen[0].rows == 0
    written = [p.chunks_done for p in seen if p.status == "running"]
    assert written == sorted(written) and 0 < max(written) < seen[0].chunks_total  # chunks done of N
    rows = [p.rows for p in seen]
    assert rows == sorted(rows) and seen[-1].status == "done" and seen[-1].rows == 300
    assert files.as_dict(files.get_file(svc.tables, key))["chunks_done"] == seen[0].chunks_total


def test_a_message_delivered_twice_counts_nothing_twice(
    small_chunks, svc, functions, upload, stack, read_report
) -> None:
    from local.pump.lambda_events import sqs_event

    sqs = boto3.client("sqs", region_name=REGION)
    arn = sqs.get_queue_attributes(QueueUrl=stack.ingest_queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    upload("hi_cards", "twice.csv", cards(200))
    while messages := sqs.receive_message(QueueUrl=stack.ingest_queue_url, MaxNumberOfMessages=1).get("Messages"):
        for _ in range(2):  # SQS delivers at least once
            functions.invoke("ingest", sqs_event(messages, arn), LocalContext("ingest"))
        sqs.delete_message(QueueUrl=stack.ingest_queue_url, ReceiptHandle=messages[0]["ReceiptHandle"])
    report = read_report("reports/hi_cards/twice.json")
    assert (report["rows"], report["accepted"], report["rejected"]) == (200, 171, 29)
