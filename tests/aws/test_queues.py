"""Messages go onto a queue ten to a call, in order; entries SQS refuses are sent once more, and
refused twice they raise `NotQueued` rather than vanish."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.aws.queues import NotQueued, Queue
from tests.conftest import REGION


@pytest.fixture
def sqs(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("sqs", region_name=REGION)
        client.create_queue(QueueName="bhxh-local-steps")
        yield client


def _received(sqs: Any, url: str) -> list[str]:
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [m["Body"] for m in batch]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    return bodies


def _refusing(sqs: Any, monkeypatch: pytest.MonkeyPatch, refuse: set[str], times: int) -> list[int]:
    """SQS answering `Failed` for the bodies in `refuse`, the first `times` times each is sent."""
    real, seen, sizes = sqs.send_message_batch, dict.fromkeys(refuse, 0), []

    def send_message_batch(QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        sizes.append(len(Entries))
        failed, kept = [], []
        for entry in Entries:
            body = entry["MessageBody"]
            if body in seen and seen[body] < times:
                seen[body] += 1
                failed.append({"Id": entry["Id"], "Code": "InternalError", "SenderFault": False})
            else:
                kept.append(entry)
        answer = real(QueueUrl=QueueUrl, Entries=kept) if kept else {}
        return {**answer, "Failed": failed}

    monkeypatch.setattr(sqs, "send_message_batch", send_message_batch)
    return sizes


def test_twenty_five_messages_go_in_three_calls_in_order(sqs) -> None:
    queue = Queue.named(sqs, "bhxh-local-steps")
    bodies = [f"step {n:02d}" for n in range(25)]
    assert queue.send(bodies) == 3
    assert _received(sqs, queue.url) == bodies


def test_nothing_to_send_makes_no_call(sqs) -> None:
    assert Queue.named(sqs, "bhxh-local-steps").send([]) == 0


def test_entries_refused_once_are_sent_again_alone(sqs, monkeypatch) -> None:
    queue = Queue.named(sqs, "bhxh-local-steps")
    sizes = _refusing(sqs, monkeypatch, {"step 03", "step 07"}, times=1)
    assert queue.send(f"step {n:02d}" for n in range(12)) == 3
    assert sizes == [10, 2, 2]
    assert sorted(_received(sqs, queue.url)) == [f"step {n:02d}" for n in range(12)]


def test_entries_refused_twice_raise_not_queued(sqs, monkeypatch) -> None:
    queue = Queue.named(sqs, "bhxh-local-steps")
    _refusing(sqs, monkeypatch, {"step 01"}, times=2)
    with pytest.raises(NotQueued, match=r"1 message\(s\) not queued on bhxh-local-steps: \['InternalError'\]"):
        queue.send(["step 00", "step 01"])
