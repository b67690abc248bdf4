"""`decide`: the ledger's stream; each changed fact becomes the notices `rules.decide` says."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord, DynamoDBStreamEvent

from chalicelib.domain.notices import Notice
from chalicelib.domain.rules import decide
from chalicelib.notify.outbox import Phones, enqueue_all, resolve_phones
from chalicelib.observability import correlate
from chalicelib.services import Services, services
from chalicelib.store.models import ledger_image


def _notices(record: DynamoDBRecord) -> tuple[str | None, list[Notice]]:
    change = record.dynamodb
    if change is None:
        return None, []
    source = (change.new_image or change.old_image or {}).get("source")
    return source, list(decide(ledger_image(change.old_image), ledger_image(change.new_image)))


def _phones(svc: Services, event: dict[str, Any]) -> Phones:
    """The phones of every recipient in the batch, read together: one read per batch, not per notice.
    A record whose rules fail here fails again, alone, in its own handler."""
    recipients = []
    for record in DynamoDBStreamEvent(event).records:
        try:
            recipients += [n.recipient for n in _notices(record)[1] if n.recipient.kind != "unit_employees"]
        except Exception:
            continue
    return resolve_phones(recipients, svc.tables) if recipients else {}


def _decide_record(svc: Services, record: DynamoDBRecord, phones: Phones) -> None:
    source, notices = _notices(record)
    correlate(source)
    enqueue_all(svc, notices, source=source, phones=phones)


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Powertools reports each failed record alone: one poison record does not hold back its batch."""
    svc = services()
    phones = _phones(svc, event)
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(
        event=event,
        record_handler=lambda record: _decide_record(svc, record, phones),
        processor=processor,
        context=context,
    )
