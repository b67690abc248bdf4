"""`yearly`: the segment queue's messages, each one segment of the yearly statement's scan."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.services import services
from chalicelib.yearly.fanout import Segment, run_segment
from chalicelib.yearly.segments_queue import segment_sender


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Each message one segment; one that fails is retried alone, then dead-lettered."""
    svc = services()
    time_left = getattr(context, "get_remaining_time_in_millis", None) or (lambda: 900_000)

    def one(record: SQSRecord) -> None:
        run_segment(svc, Segment.from_json(record.body), send=segment_sender(svc), time_left_ms=time_left)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=one, processor=processor, context=context)
