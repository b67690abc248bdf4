"""Connects the Chalice app's event handlers to the pump, the way Lambda's triggers would: each queue
event source as infra/wiring.yaml gives it (the `send` function's two lanes, each with its batch size
and maximum concurrency), each stream, schedule and topic as app.py declares it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from chalice import Chalice
from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SNSEventConfig, SQSEventConfig

from chalicelib.aws.settings import Settings
from chalicelib.domain.clock import Clock
from infra.package import load
from local.env import REGION, ROOT
from local.pump.event_pump import EventPump
from local.pump.file_lines import FinishedFiles
from local.stack.functions import LocalFunctions
from local.stack.resources import LocalStack


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
            polls = functions.client(source.name, "sqs")
            for queue, batch_size, concurrency in _queue_sources(source, stack):
                url = _queue_of(queue, stack)
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                pump.add_queue(url, arn, handler, source.name, polls, batch_size=batch_size, concurrency=concurrency)
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


@cache
def _wiring() -> dict[str, Any]:
    return load(ROOT / "infra" / "wiring.yaml")


@cache
def _parameters() -> dict[str, Any]:
    return load(ROOT / "infra" / "resources.yaml").get("Parameters", {})


def _logical_id(function: str) -> str:
    """Chalice's logical id of a function (`release_held` → `ReleaseHeld`)."""
    return "".join(part.capitalize() for part in function.split("_"))


def _wired_variables() -> list[tuple[str, Any]]:
    """Every environment variable the wiring sets: SAM's Globals, then each function's own."""
    wiring = _wiring()
    scopes = [wiring.get("Globals", {}).get("Function", {})]
    scopes += [function.get("Properties", {}) for function in wiring.get("Resources", {}).values()]
    return [
        (variable, value)
        for scope in scopes
        for variable, value in ((scope.get("Environment") or {}).get("Variables") or {}).items()
    ]


def template_parameter(name: str, env: Mapping[str, str] | None = None) -> str:
    """A template parameter's value locally: from the environment variable the wiring sets from it
    (`SMS_PER_SECOND: !Ref SmsPerSecond`), else its default in resources.yaml."""
    env = os.environ if env is None else env
    for variable, value in _wired_variables():
        if value == {"Ref": name} and env.get(variable):
            return env[variable]
    return str(_parameters()[name]["Default"])


def lane_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the wiring gives functions from template parameters (`SMS_PER_SECOND`, …),
    locally: so the app's settings and the pump's concurrency agree, as the package makes them."""
    return {
        variable: template_parameter(value["Ref"], env)
        for variable, value in _wired_variables()
        if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in _parameters()
    }


def _resolve(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return template_parameter(value["Ref"])
    return value


def _queue_sources(source: SQSEventConfig, stack: LocalStack) -> list[tuple[str, int, int | None]]:
    """(queue, batch size, maximum concurrency) of each SQS event source of the function: those the
    wiring gives (the package replaces the app's own), else the one app.py declares."""
    events = _wiring().get("Resources", {}).get(_logical_id(source.name), {}).get("Properties", {}).get("Events", {})
    found = []
    for event in events.values():
        props = event.get("Properties", {})
        queue = props.get("Queue")
        if not (isinstance(queue, dict) and "Fn::GetAtt" in queue):
            continue
        logical = queue["Fn::GetAtt"][0]
        name = stack.queue_names().get(logical, logical)
        batch = int(_resolve(props.get("BatchSize", source.batch_size or 1)))
        limit = (props.get("ScalingConfig") or {}).get("MaximumConcurrency")
        found.append((name, batch, None if limit is None else int(_resolve(limit))))
    return found or [(source.queue_arn or source.queue or "", source.batch_size or 1, None)]


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
