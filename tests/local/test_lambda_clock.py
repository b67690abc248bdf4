"""The local stack keeps Lambda's clock: each invocation's time counts down from its function's
timeout in .chalice/config.json (lowered by BHXH_LOCAL_TIMEOUT_S), and one that ends late failed."""

from __future__ import annotations

import json

import boto3
import pytest

from local.pump.lambda_events import LocalContext, function_timeout_ms
from tests.conftest import REGION, ROOT


class Ticking:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_each_function_gets_its_own_timeout_from_the_chalice_config(monkeypatch) -> None:
    monkeypatch.delenv("BHXH_LOCAL_TIMEOUT_S", raising=False)
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert function_timeout_ms("ingest") == config["lambda_functions"]["ingest"]["lambda_timeout"] * 1000 == 900_000
    assert function_timeout_ms("decide") == config["lambda_timeout"] * 1000 == 60_000


def test_the_time_left_counts_down_from_the_timeout_and_then_it_is_late(monkeypatch) -> None:
    monkeypatch.delenv("BHXH_LOCAL_TIMEOUT_S", raising=False)
    clock = Ticking()
    context = LocalContext("decide", clock=clock)
    assert context.get_remaining_time_in_millis() == 60_000
    clock.t += 59.5
    assert context.get_remaining_time_in_millis() == 500 and not context.expired()
    clock.t += 1
    assert context.get_remaining_time_in_millis() == 0 and context.expired()


@pytest.mark.parametrize(("lowered", "ingest", "decide"), [("20", 20_000, 20_000), ("120", 120_000, 60_000)])
def test_the_environment_lowers_every_timeout_never_raises_one(monkeypatch, lowered, ingest, decide) -> None:
    monkeypatch.setenv("BHXH_LOCAL_TIMEOUT_S", lowered)
    assert (LocalContext("ingest").timeout_ms, LocalContext("decide").timeout_ms) == (ingest, decide)


def test_a_queue_message_whose_invocation_ended_late_comes_back(pump, stack, svc, monkeypatch) -> None:
    """Lambda would have stopped it at its deadline: the message is not deleted."""
    monkeypatch.setenv("BHXH_LOCAL_TIMEOUT_S", "20")
    clock = Ticking()
    pump.monotonic = clock
    pump.retry_after_s = 0
    seen: list[int] = []
    from dataclasses import replace

    ingest = next(q for q in pump._queues if q.name == "ingest")

    def slow(event, context):
        seen.append(context.get_remaining_time_in_millis())
        if len(seen) == 1:
            clock.t += 25  # the first invocation takes 25 s of its 20
        return {"batchItemFailures": []}

    queue = replace(ingest, handler=slow)
    sqs = boto3.client("sqs", region_name=REGION)
    _purge(sqs, queue.url)  # (the bucket's test event)
    sqs.send_message(QueueUrl=queue.url, MessageBody="{}")
    assert pump._pump_queue(queue)
    assert pump._pump_queue(queue)  # it came back, and ran again
    assert not pump._pump_queue(queue)  # in time, so deleted
    assert seen == [20_000, 20_000]


def test_a_stream_batch_whose_invocation_ended_late_is_retried(pump, monkeypatch) -> None:
    monkeypatch.setenv("BHXH_LOCAL_TIMEOUT_S", "20")
    clock = Ticking()
    pump.monotonic = clock
    calls: list[int] = []

    def slow(event, context):
        calls.append(len(event["Records"]))
        if len(calls) == 1:
            clock.t += 21
        return {"batchItemFailures": []}

    from local.pump.event_pump import StreamSource

    source = StreamSource("arn:aws:dynamodb:local:table/bhxh-local-ledger/stream/x", slow, "decide")
    records = [{"dynamodb": {"SequenceNumber": str(n)}, "eventName": "INSERT"} for n in (1, 2)]
    pump._deliver(source, records)
    assert calls == [2, 2]  # the late batch was given again, whole


def _purge(sqs, url: str) -> None:
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
