"""`decide`: the ledger's stream; each changed fact becomes the notices `rules.decide` says."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.domain.rules import decide
from chalicelib.notify.outbox import enqueue_all
from chalicelib.observability import correlate
from chalicelib.services import Services, services
from chalicelib.store.models import ledger_image


def _decide_record(svc: Services, record: DynamoDBRecord) -> None:
    change = record.dynamodb
    if change is None:
        return
    source = (change.new_image or change.old_image or {}).get("source")
    correlate(source)
    notices = decide(ledger_image(change.old_image), ledger_image(change.new_image))
    enqueue_all(svc, notices, source=source)


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Powertools reports each failed record alone: one poison record does not hold back its batch."""
    svc = services()
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(
        event=event, record_handler=lambda record: _decide_record(svc, record), processor=processor, context=context
    )
