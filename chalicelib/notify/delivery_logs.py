"""Delivery receipts from CloudWatch Logs, where SNS writes them.

With the account's SMS attributes `DeliveryStatusIAMRole` and `DeliveryStatusSuccessSamplingRate`
set, SNS writes one delivery-status record per SMS to the log groups
`sns/<region>/<account>/DirectPublishToPhoneNumber` (successes) and `.../Failure`. A subscription
filter on each (infra/wiring.yaml) hands them to the `delivery_logs` function in batches, gzipped and
base64-encoded. Each log event's message is the record `receipts.apply_receipt` already reads.

The record holds the full destination phone, so nothing here logs a message: only counts and
CloudWatch's own log event ids.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent

from chalicelib.notify.receipts import apply_receipt
from chalicelib.observability import count_metric
from chalicelib.services import Services

logger = Logger(child=True)


def malformed(message: str) -> str | None:
    """Why a log event is not a delivery-status record `apply_receipt` can read, or None.
    Checked before applying, so that only a bad record is skipped and an AWS error still fails."""
    try:
        record = json.loads(message)
    except ValueError:
        return "not json"
    if not isinstance(record, dict):
        return "not an object"
    notification = record.get("notification")
    if not isinstance(notification, dict) or not isinstance(notification.get("messageId"), str):
        return "no message id"
    if not isinstance(record.get("delivery") or {}, dict):
        return "delivery not an object"
    return None


def apply_delivery_logs(svc: Services, event: dict[str, Any]) -> dict[str, int]:
    """One subscription batch: each record moves its notice forward; a bad one is counted and skipped.

    An error reading or writing the outbox propagates, so Lambda retries the whole batch: receipts
    already applied are then `ignored` (a receipt only moves a notice forward)."""
    data = CloudWatchLogsEvent(event).parse_logs_data()
    if data.message_type != "DATA_MESSAGE":  # CONTROL_MESSAGE: CloudWatch Logs checking the destination
        return {"records": 0}
    outcomes: Counter[str] = Counter()
    for log_event in data.log_events:
        problem = malformed(log_event.message)
        if problem is not None:
            outcomes["malformed"] += 1
            logger.warning("delivery log event skipped", log_event_id=log_event.get_id, problem=problem)
            continue
        outcomes[apply_receipt(log_event.message, tables=svc.tables, clock=svc.clock)] += 1
    if outcomes["malformed"]:
        count_metric("DeliveryLogsMalformed", outcomes["malformed"])
    summary = {"records": len(data.log_events), **outcomes}
    logger.info("delivery logs applied", **summary)
    return summary
