"""Delivery receipts: SNS's SMS delivery-status record, published to the `sms-status` topic,
moves a sent notice to `delivered` or to a failure status with the carrier's reason.

The message is SNS's delivery-status log record:
`{"notification": {"messageId", "timestamp"}, "delivery": {"destination", "providerResponse", …},
"status": "SUCCESS" | "FAILURE"}`. A receipt only moves a notice forward from `sending`/`sent`, so a
late or repeated receipt changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.privacy import notice_ref
from chalicelib.domain.status import Status
from chalicelib.notify.sender import retry_after
from chalicelib.observability import correlate
from chalicelib.store.conditions import update_if
from chalicelib.store.models import Tables

logger = Logger(child=True)

_TEMPORARY = ("unreachable", "unavailable", "temporar", "try again", "queue is full", "inbox is full")
_OPTED_OUT = ("opted out",)


def receipt_status(receipt: dict[str, Any]) -> tuple[str, str | None]:
    """(status, reason) for one delivery-status record."""
    if str(receipt.get("status", "")).upper() == "SUCCESS":
        return Status.DELIVERED, None
    response = str((receipt.get("delivery") or {}).get("providerResponse") or "unknown")
    lowered = response.lower()
    if any(word in lowered for word in _OPTED_OUT):
        return Status.OPTED_OUT, response[:200]
    if any(word in lowered for word in _TEMPORARY):
        return Status.TEMPORARY_FAILURE, response[:200]
    return Status.PERMANENT_FAILURE, response[:200]


def apply_receipt(message: str, *, tables: Tables, clock: Clock) -> str:
    """Record one receipt; returns the status set, or `ignored` (unknown id, or already past)."""
    receipt = json.loads(message)
    provider_id = str((receipt.get("notification") or {}).get("messageId") or "")
    model = tables.notifications
    ids = [hit.id for hit in model.by_provider.query(provider_id, limit=1)] if provider_id else []
    if not ids:
        logger.info("receipt for no notice", provider_id=provider_id)
        return "ignored"
    status, reason = receipt_status(receipt)
    item = model.get(ids[0])
    correlate(item.source)
    actions = [model.status.set(status), model.updated_at.set(utc_iso(clock()))]
    if reason is not None:
        actions.append(model.reason.set(reason))
    if status == Status.TEMPORARY_FAILURE:
        actions.append(model.send_after.set(retry_after(item, clock)))
    if not update_if(item, actions, model.status.is_in(Status.SENDING, Status.SENT)):
        return "ignored"
    logger.info("receipt recorded", notice=notice_ref(item.id), provider_id=provider_id, status=status)
    return status
