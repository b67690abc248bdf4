"""Entry points of the yearly statement: the 15 January tick and the segment queue's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.domain.clock import scheduled_time
from chalicelib.notify.idempotent import idempotent, register_context
from chalicelib.services import Services, services
from chalicelib.yearly.fanout import Segment, run_segment, start_statement


def _sender(svc: Services):
    """Sends a segment to the stage's yearly queue (its URL looked up once per invocation)."""
    sqs = svc.clients.sqs
    url = sqs.get_queue_url(QueueName=svc.settings.name("yearly"))["QueueUrl"]

    def send(seg: Segment) -> None:
        sqs.send_message(QueueUrl=url, MessageBody=seg.to_json())

    return send


def _start_of(data: dict[str, Any]) -> dict[str, Any]:
    svc = services()
    at = datetime.fromisoformat(data["at"])
    return start_statement(clock=lambda: at, segments=svc.settings.yearly_segments, send=_sender(svc))


def handle_yearly_tick(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """15 January, 08:00: a second delivery of the tick answers the first's result (and were it to
    run again, the outbox's dedupe keys would still send nothing twice)."""
    svc = services()
    run = idempotent(svc, "yearly", _start_of, key="year", expires_s=40 * 24 * 3600)
    register_context("yearly", context)
    at = scheduled_time(event, svc.clock)  # the year its event names, however late the run
    return run(data={"year": str(at.year), "at": at.isoformat()})


def handle_yearly_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Each message one segment; one that fails is retried alone, then dead-lettered."""
    svc = services()
    time_left = getattr(context, "get_remaining_time_in_millis", None) or (lambda: 900_000)

    def one(record: SQSRecord) -> None:
        seg = Segment.from_json(record.body)
        run_segment(seg, tables=svc.tables, clock=svc.clock, send=_sender(svc), time_left_ms=time_left)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=one, processor=processor, context=context)
