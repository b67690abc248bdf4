"""The agency's figures: from a known set of notices and files to the table, the chart and the
daily summary."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chalicelib.domain.figures import (
    MEASURES,
    batch_rows,
    change_counts,
    day_rows,
    day_table,
    measures_of,
    summary,
)
from chalicelib.domain.status import Status
from chalicelib.reporting.collect import all_figures
from local.report import run


def test_each_status_change_moves_only_the_measure_it_enters() -> None:
    assert measures_of(None, Status.CREATED, inserted=True) == ["created"]
    assert measures_of(None, Status.UNREACHABLE, inserted=True) == ["created", "unreachable"]
    assert measures_of(Status.SENDING, Status.SENT, inserted=False) == ["sent"]
    assert measures_of(Status.SENT, Status.DELIVERED, inserted=False) == ["delivered"]
    assert measures_of(Status.SENDING, Status.OPTED_OUT, inserted=False) == ["opted_out"]
    assert measures_of(Status.SENDING, Status.PERMANENT_FAILURE, inserted=False) == ["failed"]
    assert measures_of(Status.SENDING, Status.TEMPORARY_FAILURE, inserted=False) == []  # retried, not yet failed
    assert measures_of(Status.CREATED, Status.SENDING, inserted=False) == []
    assert measures_of(Status.SENT, None, inserted=False) == []  # the TTL's removal
    assert measures_of(Status.HELD, Status.CANCELLED, inserted=False) == ["cancelled"]  # its batch stopped
    no_receipt = measures_of(Status.SENT, Status.TEMPORARY_FAILURE, inserted=False, reason="no delivery receipt")
    assert no_receipt == ["no_receipt"]


def test_the_first_receipt_of_a_notice_adds_its_parts_and_its_real_price() -> None:
    sent = {"status": "sent", "template": "otp", "parts": 1}
    delivered = sent | {"status": "delivered", "receipt_at": "2026-11-25T03:00:00Z", "parts": 2, "price_usd": 0.00645}
    assert change_counts(sent, delivered) == {"delivered": 1, "parts": 2, "spend_musd": 6450}
    assert change_counts(delivered, delivered | {"updated_at": "later"}) == {}  # once only
    kept = delivered | {"stripped_at": "2026-12-02T03:00:00Z"}
    assert change_counts(None, kept) == {}  # what stays after the TTL is not a new notice


def test_counts_become_one_row_per_day_and_kind_in_order() -> None:
    counts = {
        ("2026-11-26", "otp", "created"): 2,
        ("2026-11-25", "otp", "sent"): 1,
        ("2026-11-25", "otp", "created"): 1,
    }
    rows = day_rows(counts)
    assert [(r.day, r.kind) for r in rows] == [("2026-11-25", "otp"), ("2026-11-26", "otp")]
    assert rows[0].counts == (1, 1) + (0,) * (len(MEASURES) - 2)
    lines = day_table(rows).splitlines()
    assert lines[0].split() == ["day", "kind", *MEASURES]
    assert lines[2].split() == ["2026-11-25", "otp", "1", "1"] + ["0"] * (len(MEASURES) - 2)


def test_the_summary_totals_the_notices_and_the_rows() -> None:
    days = day_rows({("2026-11-25", "otp", "created"): 3, ("2026-11-25", "arrears", "failed"): 1})
    batches = batch_rows([{"file": "incoming/payments/a.csv", "kind": "payments", "accepted": 5, "rejected": 2}])
    body = summary("2026-11-25", days, batches)
    assert body["totals"]["created"] == 3 and body["totals"]["failed"] == 1
    assert (body["totals"]["taken"], body["totals"]["rejected"]) == (5, 2)


def test_the_figures_count_a_known_day_of_notices_and_files(known_day, svc) -> None:
    known_day()
    days, batches = all_figures(svc.tables, svc.clients.s3, svc.settings.name("ingest"))
    [payments] = [r for r in days if r.kind == "payment_received"]
    assert payments.day == "2026-11-25"
    assert dict(zip(MEASURES, payments.counts, strict=True)) == {
        "created": 2,
        "sent": 1,
        "delivered": 0,
        "failed": 0,
        "opted_out": 0,
        "unreachable": 1,
        "cancelled": 0,
        "no_receipt": 0,
        "parts": 0,  # in-process no receipt comes (tests/notify/test_delivery_logs.py counts them)
        "spend_musd": 0,
    }
    assert [(b.file, b.taken, b.rejected) for b in batches] == [
        ("incoming/employers/more.csv", 1, 0),
        ("incoming/employers/units.csv", 1, 0),
        ("incoming/payments/a.csv", 1, 0),
        ("incoming/payments/b.csv", 1, 1),
    ]


def test_make_report_prints_both_tables_and_writes_a_png(known_day, svc, tmp_path) -> None:
    known_day()
    out = tmp_path / "report.png"
    text = run(stage="local", out=out)
    assert "payment_received" in text and "incoming/payments/b.csv" in text
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 10_000


def test_the_daily_summary_sums_up_the_day_before_the_one_its_event_names(known_day, clock, functions) -> None:
    from local.pump.lambda_events import scheduled_event

    known_day()
    clock.advance(days=3)  # the 26th's 00:05 run, retried late
    event = scheduled_event("arn:aws:events:local:rule/daily_summary", datetime(2026, 11, 25, 17, 5, tzinfo=UTC))
    assert functions.invoke("daily_summary", event)["key"] == "reports/daily/2026-11-25.json"


def test_the_daily_summary_writes_yesterdays_figures_to_s3(known_day, svc, clock, functions) -> None:
    known_day()
    clock.advance(days=1)
    answer = functions.tick("daily_summary", clock())
    assert answer["key"] == "reports/daily/2026-11-25.json"
    obj = svc.clients.s3.get_object(Bucket=svc.settings.name("ingest"), Key=answer["key"])
    body = json.loads(obj["Body"].read())
    assert body["day"] == "2026-11-25"
    [payments] = [n for n in body["notices"] if n["kind"] == "payment_received"]
    assert (payments["created"], payments["sent"], payments["unreachable"]) == (2, 1, 1)
    assert (body["totals"]["taken"], body["totals"]["rejected"]) == (4, 1)
