"""`yearly_segment`: the segment queue's messages, each one segment of the yearly statement's scan."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.domain.deadline import Deadline
from chalicelib.services import services
from chalicelib.yearly.fanout import MARGIN_MS, Segment, run_segment
from chalicelib.yearly.segments_queue import segment_sender


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Each message one segment; one that fails is retried alone, then dead-lettered."""
    svc = services()
    time_left = getattr(context, "get_remaining_time_in_millis", None) or (lambda: 900_000)
    margin = Deadline.of(time_left, most_ms=MARGIN_MS).margin_ms  # 60 s of 900, 5 of a local 20

    def one(record: SQSRecord) -> None:
        segment = Segment.from_json(record.body)
        run_segment(svc, segment, send=segment_sender(svc), time_left_ms=time_left, margin_ms=margin)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=one, processor=processor, context=context)
