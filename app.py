"""Wiring only: each route and event is handed to chalicelib, which holds every rule."""

from __future__ import annotations

import os
from typing import Any

from chalice import Chalice, Cron, Rate, Response
from chalice.app import CloudWatchEvent, DynamoDBEvent, SNSEvent, SQSEvent

from chalicelib.agency.routes import agency
from chalicelib.api.routes import api
from chalicelib.inbound.endpoint import handle_sns_post
from chalicelib.ingest.events import handle_ingest_event
from chalicelib.notify.delivery_logs import handle_delivery_logs
from chalicelib.notify.events import handle_ledger_event, handle_outbox_event, handle_receipt_event
from chalicelib.notify.schedules import handle_release_tick, handle_reminders_tick
from chalicelib.observability import instrument
from chalicelib.reporting.daily import handle_daily_summary_tick
from chalicelib.yearly.events import handle_yearly_event, handle_yearly_tick

app = Chalice(app_name="bhxh")
instrument(app)  # Powertools Logger, Metrics and Tracer on every function

# Chalice needs these at import; `make package` replaces them with the real ARNs (infra/wiring.yaml).
_ACCOUNT = "arn:aws:dynamodb:ap-southeast-1:123456789012"
INGEST_QUEUE_ARN = os.environ.get("INGEST_QUEUE_ARN", "arn:aws:sqs:ap-southeast-1:123456789012:bhxh-prod-ingest")
LEDGER_STREAM_ARN = os.environ.get("LEDGER_STREAM_ARN", f"{_ACCOUNT}:table/bhxh-prod-ledger/stream/from-template")
OUTBOX_STREAM_ARN = os.environ.get(
    "NOTIFICATIONS_STREAM_ARN", f"{_ACCOUNT}:table/bhxh-prod-notifications/stream/from-template"
)
YEARLY_QUEUE_ARN = os.environ.get("YEARLY_QUEUE_ARN", "arn:aws:sqs:ap-southeast-1:123456789012:bhxh-prod-yearly")
SMS_STATUS_TOPIC = os.environ.get(
    "SMS_STATUS_TOPIC_ARN", "arn:aws:sns:ap-southeast-1:123456789012:bhxh-prod-sms-status"
)


@app.on_sqs_message(queue_arn=INGEST_QUEUE_ARN, batch_size=1, name="ingest")
def ingest(event: SQSEvent) -> dict:
    return handle_ingest_event(event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=LEDGER_STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON", name="decide")
def decide(event: DynamoDBEvent) -> dict:
    return handle_ledger_event(event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=OUTBOX_STREAM_ARN, batch_size=20, starting_position="TRIM_HORIZON", name="send")
def send(event: DynamoDBEvent) -> dict:
    return handle_outbox_event(event.to_dict(), event.context)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="release_held")
def release_held(event: CloudWatchEvent) -> dict:
    return handle_release_tick(event.to_dict(), event.context)


@app.schedule(Cron(0, 1, "*", "*", "?", "*"), name="remind")  # 08:00 Asia/Ho_Chi_Minh
def remind(event: CloudWatchEvent) -> dict:
    return handle_reminders_tick(event.to_dict(), event.context)


@app.schedule(Cron(5, 17, "*", "*", "?", "*"), name="daily_summary")  # 00:05 Asia/Ho_Chi_Minh
def daily_summary(event: CloudWatchEvent) -> dict:
    return handle_daily_summary_tick(event.to_dict(), event.context)


@app.schedule(Cron(0, 1, 15, 1, "?", "*"), name="yearly_statement")  # 15 January, 08:00 Asia/Ho_Chi_Minh
def yearly_statement(event: CloudWatchEvent) -> dict:
    return handle_yearly_tick(event.to_dict(), event.context)


@app.on_sqs_message(queue_arn=YEARLY_QUEUE_ARN, batch_size=1, name="yearly")
def yearly(event: SQSEvent) -> dict:
    return handle_yearly_event(event.to_dict(), event.context)


@app.on_sns_message(topic=SMS_STATUS_TOPIC, name="receipts")
def receipts(event: SNSEvent) -> dict:
    return handle_receipt_event(event.to_dict(), event.context)


@app.lambda_function(name="delivery_logs")  # SNS's SMS delivery-status logs, by subscription filter (infra/wiring.yaml)
def delivery_logs(event: dict, context: Any) -> dict:
    return handle_delivery_logs(event, context)


@app.route("/health", methods=["GET"])
def health() -> dict:
    return {"status": "ok"}


@app.route("/sms/inbound", methods=["POST"], content_types=["text/plain", "application/json"])
def sms_inbound() -> Response:
    return handle_sns_post(app.current_request.raw_body)


app.register_blueprint(api)  # the lookup API and page: chalicelib/api/routes.py
app.register_blueprint(agency)  # the agency console's API and page: chalicelib/agency/routes.py
