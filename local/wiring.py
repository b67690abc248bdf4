"""Connects the Chalice app's event handlers to the pump, the way Lambda's triggers would."""

from __future__ import annotations

from typing import Any

from chalice import Chalice
from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SNSEventConfig, SQSEventConfig

from chalicelib.aws.settings import Settings
from chalicelib.domain.clock import Clock
from local.env import REGION
from local.file_lines import FinishedFiles
from local.functions import LocalFunctions
from local.pump import EventPump
from local.stack import LocalStack


def build_pump(
    app: Chalice, session: Any, stack: LocalStack, *, clock: Clock, moto_url: str | None, functions: LocalFunctions
) -> EventPump:
    """The pump with every event source of `app`: each handler runs as its function (`functions`,
    under its own role), and a queue or stream is polled with that function's credentials, as Lambda's
    event source mappings poll with the function's role. SNS, CloudWatch Logs and EventBridge invoke
    by resource policy: their plumbing here uses the operator's `session`."""
    pump = EventPump(session, clock=clock, moto_url=moto_url)
    sqs = session.client("sqs")
    for source in app.event_sources:
        handler = functions.handler(source.name)
        if isinstance(source, SQSEventConfig):
            url = _queue_of(source.queue_arn or source.queue or "", stack)
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            pump.add_queue(url, arn, handler, source.name, functions.client(source.name, "sqs"))
            if source.name == INGEST:
                pump.after(INGEST, FinishedFiles(session, Settings.from_env().name("files"), pump.echo))
        elif isinstance(source, DynamoDBEventConfig):
            streams = functions.client(source.name, "dynamodbstreams")
            arn = _stream_of(source.stream_arn, stack)
            pump.add_stream(arn, handler, source.name, source.batch_size or 100, streams)
        elif isinstance(source, ScheduledEventConfig):
            expression = source.schedule_expression
            text = expression if isinstance(expression, str) else expression.to_string()
            pump.add_schedule(text, handler, source.name)
        elif isinstance(source, SNSEventConfig):
            pump.add_topic(_topic_of(source.topic, stack), handler, source.name)
    for function in app.pure_lambda_functions:
        if function.name == DELIVERY_LOGS:  # what the SMS log groups' subscription filters invoke
            pump.add_delivery_logs(_delivery_log_group(stack), functions.handler(function.name), function.name)
    return pump


DELIVERY_LOGS = "delivery_logs"
INGEST = "ingest"


def _delivery_log_group(stack: LocalStack) -> str:
    """SNS's success log group as the stack made it (moto's account id), or by SNS's naming rule."""
    return stack.outputs.get("SmsDeliveryLogGroupName") or f"sns/{REGION}/123456789012/DirectPublishToPhoneNumber"


def _queue_of(declared: str, stack: LocalStack) -> str:
    """The stack's queue URL for the one the app declared (name or ARN), by its `-<what>` suffix."""
    name = declared.rsplit(":", 1)[-1]
    what = name.split("-", 2)[-1] if name.startswith("bhxh-") else name
    for value in stack.outputs.values():
        if value.startswith("http") and value.rstrip("/").endswith(f"-{what}"):
            return value
    return stack.ingest_queue_url


def _topic_of(declared: str, stack: LocalStack) -> str:
    """The stack's topic for the one the app declared (name or ARN), by its `-<what>` suffix."""
    name = declared.rsplit(":", 1)[-1]
    what = name.split("-", 2)[-1] if name.startswith("bhxh-") else name
    for value in stack.outputs.values():
        if value.startswith("arn:aws:sns:") and value.endswith(f"-{what}"):
            return value
    return declared


def _table_of(stream_arn: str) -> str:
    return stream_arn.split(":table/", 1)[1].split("/", 1)[0]


def _stream_of(declared: str, stack: LocalStack) -> str:
    """The stack's stream for the table the app declared (by its `-<what>` suffix): app.py may have
    been imported with the placeholder ARNs, as in tests, where the stack came after the import."""
    what = _table_of(declared).rsplit("-", 1)[-1]
    for value in stack.outputs.values():
        if ":table/" in value and _table_of(value).endswith(f"-{what}"):
            return value
    return declared
