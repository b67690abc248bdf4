"""`receipts`: SNS delivery-status messages on the sms-status topic; each only moves its notice forward."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import SNSEvent

from chalicelib.notify.receipts import apply_receipt
from chalicelib.services import services


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    svc = services()
    statuses = [apply_receipt(r.sns.message, tables=svc.tables, clock=svc.clock) for r in SNSEvent(event).records]
    return {"receipts": len(statuses)}
