"""A console upload to check first (`staged/…`) goes through the one chunked ingest: a file of many
chunks is judged row for row as its ingest would judge it, and previewed as the same file in one
chunk is, with nothing of it taken."""

from __future__ import annotations

from dataclasses import replace

import boto3
import pytest

from chalicelib.store import files
from tests.conftest import REGION

UNITS = "unit_code,name,rep_phone\nTZH490L,Công ty Dệt may Hoàng Mai,0912345678\nNA0002B,Công ty Gạch Vinh,0912000222\n"
HEADER = "payment_id,unit_code,paid_on,amount_vnd,period\n"


def payments(n: int) -> str:
    """`n` payments to two units, one row in seven with an amount that is not a number."""
    lines = [
        f"PT-{i:05d},{'TZH490L' if i % 2 else 'NA0002B'},2026-11-05,{'abc' if i % 7 == 3 else 1_000_000 + i},2026-10\n"
        for i in range(n)
    ]
    return HEADER + "".join(lines)


@pytest.fixture
def put(stack):
    s3 = boto3.client("s3", region_name=REGION)

    def run(key: str, text: str) -> str:
        s3.put_object(Bucket=stack.bucket, Key=key, Body=text.encode("utf-8"))
        return key

    return run


@pytest.fixture
def chunked(svc):
    """Chunks of about 2,000 bytes: a file of a few hundred rows is cut in many."""
    svc.settings = replace(svc.settings, ingest_chunk_bytes=2000)
    return svc


def test_a_staged_file_of_many_chunks_gets_the_reasons_and_counts_its_ingest_gets_and_the_preview_of_one_chunk(
    chunked, put, deliver, read_report, s3_text, stack, svc
) -> None:
    assert deliver(put("incoming/employers/units.csv", UNITS)) == []
    text = payments(400)
    ledger_before = svc.tables.ledger.count()

    assert deliver(put("staged/payments/many.csv", text)) == []
    staged = files.get_file(svc.tables, "staged/payments/many.csv")
    assert (staged.status, staged.check) == ("staged", "done")
    assert staged.chunks_total == staged.chunks_done > 5  # checked chunk by chunk
    assert staged.checked is None and staged.written is None  # the counter's piece maps gone, as at a file's end
    assert svc.tables.ledger.count() == ledger_before  # nothing taken

    svc.settings = replace(svc.settings, ingest_chunk_bytes=1 << 30)
    assert deliver(put("staged/payments/one.csv", text)) == []
    one = files.get_file(svc.tables, "staged/payments/one.csv")
    assert one.chunks_total == 1 and one.check == "done"
    assert staged.preview.as_dict() == one.preview.as_dict()  # the same notices, parts, samples, warnings
    preview = staged.preview.as_dict()
    assert preview["notices"] == 400 - 57 == staged.accepted  # each payment told once, to its unit
    assert len(preview["samples"]) == 5 and preview["samples"][0]["phone"] == "********222"

    svc.settings = replace(svc.settings, ingest_chunk_bytes=2000)
    assert deliver(put("incoming/payments/many.csv", text)) == []
    checked, taken = read_report("reports/staged/payments/many.json"), read_report("reports/payments/many.json")
    assert (checked["status"], checked["rows"], checked["accepted"], checked["rejected"]) == ("done", 400, 343, 57)
    assert [checked[k] for k in ("status", "rows", "accepted", "rejected", "errors")] == [
        taken[k] for k in ("status", "rows", "accepted", "rejected", "errors")
    ]
    assert s3_text("reports/staged/payments/many.errors.csv") == s3_text("reports/payments/many.errors.csv")


def test_a_staged_file_refused_by_its_header_is_refused_for_the_reason_its_ingest_gives(
    put, deliver, read_report, svc
) -> None:
    text = "payment_id,paid_on,amount_vnd\nPT-1,2026-11-05,1000\n"
    assert deliver(put("staged/payments/bad.csv", text)) == []
    assert deliver(put("incoming/payments/bad.csv", text)) == []
    checked, taken = read_report("reports/staged/payments/bad.json"), read_report("reports/payments/bad.json")
    assert (checked["status"], checked["reason"]) == ("rejected", taken["reason"]) == ("rejected", taken["reason"])
    assert taken["reason"].startswith("missing required column")
    item = files.get_file(svc.tables, "staged/payments/bad.csv")
    assert (item.status, item.check, item.preview) == ("staged", "rejected", None)


def test_the_same_staged_event_delivered_again_after_its_check_counts_nothing_twice(chunked, put, deliver, svc) -> None:
    key = put("staged/payments/again.csv", payments(200))
    assert deliver(key) == []
    first = files.as_dict(files.get_file(svc.tables, key))
    assert deliver(key, event=True) == []
    assert files.as_dict(files.get_file(svc.tables, key)) == first
