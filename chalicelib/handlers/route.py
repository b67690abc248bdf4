"""`route`: the outbox's stream. Each batch of changes is routed at once (notify/route.py): notices
that are ready go on their lane's queue, the TTL's removals are kept without personal data, parked
receipts meet their notices, and the counters move by the batch's sums."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBStreamEvent

from chalicelib.notify.retention import is_ttl_removal
from chalicelib.notify.route import Change, route_changes
from chalicelib.services import services


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """All or nothing: a failure raises, and the stream (bisecting in AWS) delivers the batch again."""
    changes = [
        Change(
            old=record.dynamodb.old_image if record.dynamodb else None,
            new=record.dynamodb.new_image if record.dynamodb else None,
            ttl_removal=is_ttl_removal(raw),
        )
        for record, raw in zip(DynamoDBStreamEvent(event).records, event.get("Records", []), strict=True)
    ]
    route_changes(services(), changes)
    return {"batchItemFailures": []}
