"""`make clock` jumping weeks: the local clock fires each daily schedule on its day, the 15-minute job
once (its last tick), and a schedule that fails is retried as Lambda retries EventBridge's
asynchronous invocations (issue 24)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.clock import ICT
from tests.factories import PERSON_PHONE, SS

PLAN = f"ss_code,months_per_payment,paid_to,income_vnd\n{SS},12,2027-01,5000000\n"


def _fired(out: str, name: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"[clock] {name} at ")]


def test_a_plan_paid_to_january_uploaded_in_december_is_reminded_after_the_clock_jumps_26_days(
    pump, make, upload, sent_sms, clock, capsys
) -> None:
    make.person()
    clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=ICT))
    upload("voluntary", "plans.csv", PLAN)
    pump.run_until_idle()
    assert sent_sms() == []  # due on 1 January: 30 days before the plan's last day
    capsys.readouterr()
    runs: list[str] = []
    job = next(s for s in pump._schedules if s.name == "release_held")
    job.handler = lambda event, context, run=job.handler: (runs.append(event["time"]), run(event, context))[1]

    clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=ICT))  # 26 days in one step
    pump.run_until_idle()

    [sms] = sent_sms()
    assert sms.phone == PERSON_PHONE and "01/2027" in sms.text
    out = capsys.readouterr().out
    assert len(_fired(out, "remind")) == 26  # each day's run, on its day
    # the 15-minute job once, at the jump's last tick: its 2,496 ticks took minutes, a reminder behind them
    assert runs == ["2027-01-05T03:00:00Z"]


def test_a_schedule_that_fails_is_tried_again_and_the_days_after_it_still_run(pump, clock, capsys) -> None:
    days: list[str] = []

    def flaky(event: dict[str, Any], context: Any) -> None:
        days.append(event["time"])
        if len(days) == 1:
            raise RuntimeError("throttled")

    pump.add_schedule("cron(0 1 * * ? *)", flaky, "flaky")
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=ICT))  # two 08:00 runs passed
    pump.run_until_idle()
    assert days == ["2026-11-26T01:00:00Z", "2026-11-26T01:00:00Z", "2026-11-27T01:00:00Z"]
    assert "[pump] flaky failed (attempt 1): RuntimeError: throttled" in capsys.readouterr().out


def test_an_sms_that_one_read_of_snss_record_skipped_is_not_taken_for_a_new_one(pump, monkeypatch, capsys) -> None:
    from local.pump.event_pump import RecordedSms

    first, second = RecordedSms("m-1", "+84912000001", "one"), RecordedSms("m-2", "+84912000002", "two")
    reads = iter([[first, second], [second], [first, second]])  # the middle read missed the first
    monkeypatch.setattr("local.pump.event_pump.recorded_sms", lambda url: next(reads))
    monkeypatch.setattr(pump, "_moto_url", "http://moto")
    recorded: list[RecordedSms] = []
    pump.record_sms = recorded.extend
    for _ in range(3):
        pump._sms_read = float("-inf")  # each read due now
        pump._echo_sms()
    assert recorded == [first, second]
    assert capsys.readouterr().out.count(": one") == 1


def test_a_stream_batch_that_fails_every_retry_leaves_lambdas_on_failure_record(pump, make, stack) -> None:
    import json

    import boto3

    from tests.conftest import REGION

    def broken(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("throttled every time")

    pump.add_stream(stack.outputs["LedgerStreamArn"], broken, "broken")
    facts = {"payment_id": "PT-1", "unit_code": "TZH490L", "paid_on": "2026-11-05", "amount_vnd": 1000}
    make.ledger("payment#PT-1", facts)
    pump.run_until_idle()

    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="bhxh-local-stream-failures")["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    record = json.loads(message["Body"])
    assert record["requestContext"] == {"functionArn": "broken", "condition": "RetryAttemptsExhausted"}
    info = record["DDBStreamBatchInfo"]
    assert info["streamArn"] == stack.outputs["LedgerStreamArn"] and info["batchSize"] == 1 and info["shardId"]
