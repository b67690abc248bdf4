"""Stream events: the ledger's changes become notices; the outbox's new notices are sent.

Powertools batch processing reports each failed record alone, so one poison record does not hold
back the rest of its batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes import SNSEvent
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.domain.figures import ict_day, measures_of
from chalicelib.domain.rules import decide
from chalicelib.notify.idempotent import idempotent, register_context
from chalicelib.notify.outbox import enqueue_all
from chalicelib.notify.pacing import Pacer
from chalicelib.notify.receipts import apply_receipt
from chalicelib.notify.sender import send_notice, should_send
from chalicelib.notify.sms import SnsSms
from chalicelib.observability import correlate, count
from chalicelib.services import Services, services
from chalicelib.store.counters import add_counts

logger = Logger(child=True)
_pacers: dict[int, tuple[Services, Pacer]] = {}
_context: dict[str, Any] = {}  # the current invocation's Lambda context, for idempotency expiry


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
    source = (change.new_image or change.old_image or {}).get("source")
    correlate(source)
    notices = decide(ledger_image(change.old_image), ledger_image(change.new_image))
    enqueue_all(notices, tables=svc.tables, clock=svc.clock, source=source)


def _pacer(svc: Services) -> Pacer:
    """One pacer per process (its services): the rate holds across batches, not within one."""
    entry = _pacers.get(id(svc))
    if entry is None or entry[0] is not svc:
        entry = _pacers[id(svc)] = (svc, Pacer(svc.settings.sms_per_second))
    return entry[1]


def _send_attempt(data: dict[str, Any]) -> dict[str, Any]:
    svc = services()
    sms = SnsSms(svc.clients.sms, svc.settings.sender_id, svc.settings.sms_type)
    status = send_notice(
        str(data["id"]),
        tables=svc.tables,
        sms=sms,
        clock=svc.clock,
        unicode=svc.settings.unicode_sms,
        pacer=_pacer(svc),
    )
    return {"status": status}


def _count_change(svc: Services, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
    """The agency's counters move with the outbox's status changes (domain/figures.py says which),
    and so do the `Notices` metrics: every change passes here, whichever function made it (a stream
    record delivered again counts again; the outbox stays the record)."""
    if not new:
        return
    status, template = str(new.get("status")), str(new.get("template"))
    if not old or old.get("status") != status:
        count("Notices", 1, template=template, status=status)
        if status == "unreachable":
            count("UnreachableRecipients", 1, template=template)
    moved = measures_of((old or {}).get("status"), new.get("status"), inserted=not old)
    if moved:
        day = ict_day(str(new.get("updated_at") or new.get("created_at")))
        add_counts(svc.tables, day, template, moved)


def _send_record(record: DynamoDBRecord) -> None:
    svc = services()
    change = record.dynamodb
    if change is None:
        return
    correlate((change.new_image or {}).get("source"))
    if should_send(change.old_image, change.new_image):
        _send_created(svc, change.new_image)
    _count_change(svc, change.old_image, change.new_image)  # after the send: a retried record counts once


def _send_created(svc: Services, new: Mapping[str, Any]) -> None:
    # one send attempt = the notice, its attempt count, and when it (again) became `created`
    since = str(new.get("updated_at") or new.get("created_at") or "")
    attempt = {"id": str(new["id"]), "attempt": int(new.get("attempts") or 0), "since": since}
    send = idempotent(svc, "send", _send_attempt, key="[id, attempt, since]", expires_s=24 * 3600)
    register_context("send", _context.get("lambda"))
    send(data=attempt)


def handle_ledger_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=_decide_record, processor=processor, context=context)


def handle_outbox_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    _context["lambda"] = context
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=_send_record, processor=processor, context=context)


def handle_receipt_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """SNS delivery-status messages (one per record); each only moves its notice forward."""
    svc = services()
    statuses = [apply_receipt(r.sns.message, tables=svc.tables, clock=svc.clock) for r in SNSEvent(event).records]
    return {"receipts": len(statuses)}
