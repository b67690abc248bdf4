"""Connects the Chalice app's event handlers to the pump, the way Lambda's triggers would."""

from __future__ import annotations

from typing import Any

from chalice import Chalice
from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

from chalicelib.domain.clock import Clock
from chalicelib.local.pump import EventPump
from chalicelib.local.stack import LocalStack


def build_pump(app: Chalice, session: Any, stack: LocalStack, *, clock: Clock, moto_url: str) -> EventPump:
    pump = EventPump(session, clock=clock, moto_url=moto_url)
    sqs = session.client("sqs")
    for source in app.event_sources:
        handler = app.handler_map[source.name]
        if isinstance(source, SQSEventConfig):
            url = stack.ingest_queue_url
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            pump.add_queue(url, arn, handler, source.name)
        elif isinstance(source, DynamoDBEventConfig):
            # app.py read the stream ARNs from the environment the local stack set from its outputs
            pump.add_stream(source.stream_arn, handler, source.name, source.batch_size or 100)
        elif isinstance(source, ScheduledEventConfig):
            expression = source.schedule_expression
            text = expression if isinstance(expression, str) else expression.to_string()
            pump.add_schedule(text, handler, source.name)
    return pump
