"""`send`: the outbox's stream. A notice that has just become `created` is sent once; every change
is tallied. One path per record: the record, the process's services and the invocation's context."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.notify.sender import send_notice, should_send
from chalicelib.notify.tally import tally_change
from chalicelib.observability import correlate
from chalicelib.services import Services, services

SEND_RECORD_TTL_S = 24 * 3600


def _send_record(svc: Services, context: Any, record: DynamoDBRecord) -> None:
    change = record.dynamodb
    if change is None:
        return
    new, old = change.new_image, change.old_image
    correlate((new or {}).get("source"))
    if should_send(old, new):
        # one send attempt = the notice, its attempt count, and when it (again) became `created`:
        # a redelivered record answers the first outcome without touching the outbox
        attempt = {"id": str(new["id"]), "attempt": int(new.get("attempts") or 0)}
        attempt["since"] = str(new.get("updated_at") or new.get("created_at") or "")
        send = svc.idempotency.wrap(
            "send",
            lambda data: {"status": send_notice(svc, str(data["id"]))},
            key="[id, attempt, since]",
            expires_s=SEND_RECORD_TTL_S,
        )
        send(data=attempt)
    tally_change(svc.tables, old, new)  # after the send: a retried record counts once


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    svc = services()
    svc.idempotency.use_context(context)
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(
        event=event,
        record_handler=lambda record: _send_record(svc, context, record),
        processor=processor,
        context=context,
    )
