"""Stream events: the ledger's changes become notices; the outbox's new notices are sent.

Powertools batch processing reports each failed record alone, so one poison record does not hold
back the rest of its batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.domain.rules import decide
from chalicelib.notify.outbox import enqueue
from chalicelib.notify.sender import send_notice, should_send
from chalicelib.notify.sms import SnsSms
from chalicelib.services import services

logger = Logger(child=True)


def ledger_image(image: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A ledger item as the rules see it: its facts, flat, beside `kind` and `pk`."""
    if not image:
        return None
    return {**dict(image.get("facts") or {}), "kind": image.get("kind"), "pk": image.get("pk")}


def _decide_record(record: DynamoDBRecord) -> None:
    svc = services()
    change = record.dynamodb
    if change is None:
        return
    for notice in decide(ledger_image(change.old_image), ledger_image(change.new_image)):
        enqueue(notice, tables=svc.tables, clock=svc.clock)


def _send_record(record: DynamoDBRecord) -> None:
    svc = services()
    change = record.dynamodb
    if change is None or not should_send(change.old_image, change.new_image):
        return
    sms = SnsSms(svc.clients.sns, svc.settings.sender_id, svc.settings.sms_type)
    send_notice(str(change.new_image["id"]), tables=svc.tables, sms=sms, clock=svc.clock)


def handle_ledger_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=_decide_record, processor=processor, context=context)


def handle_outbox_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=_send_record, processor=processor, context=context)
