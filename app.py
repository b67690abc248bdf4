"""Wiring only: each route and event is handed to chalicelib, which holds every rule.

Each event handler imports its entry module (`chalicelib/handlers/<function>.py`) when it runs, so a
function's cold start loads its own path and not the whole service. The API's routes are blueprints,
registered only where they can be called: in the API's function (Lambda names each function's
handler in `_HANDLER`: `app.app` for the API, `app.send` for the sender, …), and wherever the whole
app is wanted (`chalice package`, the local stack, tests: no `_HANDLER`).
"""

from __future__ import annotations

import gc
import os
from importlib import import_module
from typing import Any

from chalice import Chalice, Cron, Rate, Response
from chalice.app import CloudWatchEvent, DynamoDBEvent, SNSEvent, SQSEvent

from chalicelib.observability import instrument

app = Chalice(app_name="bhxh")
instrument(app)  # Powertools Logger and Metrics on every function

# Chalice needs these at import; `make package` replaces them with the real ARNs (infra/wiring.yaml).
_ACCOUNT = "arn:aws:dynamodb:ap-southeast-1:123456789012"
INGEST_QUEUE_ARN = os.environ.get("INGEST_QUEUE_ARN", "arn:aws:sqs:ap-southeast-1:123456789012:bhxh-prod-ingest")
LEDGER_STREAM_ARN = os.environ.get("LEDGER_STREAM_ARN", f"{_ACCOUNT}:table/bhxh-prod-ledger/stream/from-template")
OUTBOX_STREAM_ARN = os.environ.get(
    "NOTIFICATIONS_STREAM_ARN", f"{_ACCOUNT}:table/bhxh-prod-notifications/stream/from-template"
)
YEARLY_QUEUE_ARN = os.environ.get("YEARLY_QUEUE_ARN", "arn:aws:sqs:ap-southeast-1:123456789012:bhxh-prod-yearly")
# The urgent lane; the bulk lane is the same function's second event source (infra/wiring.yaml).
URGENT_QUEUE_ARN = os.environ.get("URGENT_QUEUE_ARN", "arn:aws:sqs:ap-southeast-1:123456789012:bhxh-prod-urgent")
SMS_STATUS_TOPIC = os.environ.get(
    "SMS_STATUS_TOPIC_ARN", "arn:aws:sns:ap-southeast-1:123456789012:bhxh-prod-sms-status"
)


def _run(function: str, event: dict[str, Any], context: Any) -> Any:
    """`chalicelib.handlers.<function>.handle(event, context)`, imported on first use."""
    return import_module(f"chalicelib.handlers.{function}").handle(event, context)


@app.on_sqs_message(queue_arn=INGEST_QUEUE_ARN, batch_size=1, name="ingest")
def ingest(event: SQSEvent) -> dict:
    return _run("ingest", event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=LEDGER_STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON", name="decide")
def decide(event: DynamoDBEvent) -> dict:
    return _run("decide", event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=OUTBOX_STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON", name="route")
def route(event: DynamoDBEvent) -> dict:
    return _run("route", event.to_dict(), event.context)


@app.on_sqs_message(queue_arn=URGENT_QUEUE_ARN, batch_size=1, name="send")
def send(event: SQSEvent) -> dict:
    return _run("send", event.to_dict(), event.context)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="release_held")
def release_held(event: CloudWatchEvent) -> dict:
    return _run("release_held", event.to_dict(), event.context)


@app.schedule(Cron(0, 1, "*", "*", "?", "*"), name="remind")  # 08:00 Asia/Ho_Chi_Minh
def remind(event: CloudWatchEvent) -> dict:
    return _run("remind", event.to_dict(), event.context)


@app.schedule(Cron(5, 17, "*", "*", "?", "*"), name="daily_summary")  # 00:05 Asia/Ho_Chi_Minh
def daily_summary(event: CloudWatchEvent) -> dict:
    return _run("daily_summary", event.to_dict(), event.context)


@app.schedule(Cron(0, 1, 15, 1, "?", "*"), name="yearly_statement")  # 15 January, 08:00 Asia/Ho_Chi_Minh
def yearly_statement(event: CloudWatchEvent) -> dict:
    return _run("yearly_statement", event.to_dict(), event.context)


@app.on_sqs_message(queue_arn=YEARLY_QUEUE_ARN, batch_size=1, name="yearly_segment")
def yearly_segment(event: SQSEvent) -> dict:
    return _run("yearly_segment", event.to_dict(), event.context)


@app.on_sns_message(topic=SMS_STATUS_TOPIC, name="receipts")
def receipts(event: SNSEvent) -> dict:
    return _run("receipts", event.to_dict(), event.context)


@app.lambda_function(name="delivery_logs")  # SNS's SMS delivery-status logs, by subscription filter (infra/wiring.yaml)
def delivery_logs(event: dict, context: Any) -> dict:
    return _run("delivery_logs", event, context)


@app.route("/health", methods=["GET"])
def health() -> dict:
    return {"status": "ok"}


API_HANDLER = "app.app"
if os.environ.get("_HANDLER", API_HANDLER) == API_HANDLER:  # an event function never serves a route
    from chalicelib.agency.blueprint import agency
    from chalicelib.api.blueprint import api
    from chalicelib.inbound.blueprint import inbound
    from chalicelib.web.middleware import contract_http

    app.register_middleware(contract_http, "http")  # bodies capped, Chalice's own errors in the contract's shape
    app.register_blueprint(api)  # the lookup API and page: chalicelib/api/blueprint.py
    app.register_blueprint(inbound)  # the short code's SNS endpoint: chalicelib/inbound/blueprint.py
    app.register_blueprint(agency)  # the agency console's API and page: chalicelib/agency/blueprint.py

    @app.route("/openapi.json", methods=["GET"])
    def openapi() -> Response:
        """One document from the two parts, which know nothing of each other (chalicelib/web/openapi.py)."""
        from chalicelib.agency.openapi import PART as console
        from chalicelib.api.openapi import PART as lookup
        from chalicelib.web.openapi import answer

        return answer(lookup, console)


# The lookup tail (bench/lookup.py) was the cyclic garbage collector: a full collection walked the
# whole heap (0.3-0.45 s, one request in forty). Everything imported so far (botocore's service
# models, PynamoDB, Powertools, the routes) lives as long as the process: frozen, the collector never
# walks it again. And a request makes few reference cycles (its garbage goes by reference counting),
# so young collections wait for 20,000 new objects, not 700, and full ones for 400 of those.
gc.freeze()
gc.set_threshold(20_000, 20, 20)
