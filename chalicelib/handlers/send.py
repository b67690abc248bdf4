"""`send`: the lanes' queues (one event source each, with its own maximum concurrency: infra/
wiring.yaml). Each message names a notice; failed ones are reported alone and delivered again."""

from __future__ import annotations

from typing import Any

from chalicelib.aws.lanes import LaneMessage
from chalicelib.domain.lanes import Lane
from chalicelib.notify.sender import send_messages
from chalicelib.services import services


def lane_of_queue(queue_arn: str) -> Lane:
    """The lane a queue serves, by its name (`bhxh-<stage>-urgent`, `bhxh-<stage>-bulk`)."""
    return Lane.URGENT if queue_arn.endswith("-urgent") else Lane.BULK


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    records = event.get("Records", [])
    failures: list[str] = []
    by_lane: dict[Lane, list[tuple[str, LaneMessage]]] = {}
    for record in records:
        try:
            message = LaneMessage.parse(record["body"])
        except (KeyError, TypeError, ValueError):  # not ours: dead-lettered after its receives
            failures.append(record.get("messageId", ""))
            continue
        by_lane.setdefault(lane_of_queue(record.get("eventSourceARN", "")), []).append((record["messageId"], message))
    svc = services()
    for lane, messages in by_lane.items():
        failures += send_messages(svc, lane, messages)
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failures]}
