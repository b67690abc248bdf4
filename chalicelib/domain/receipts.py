"""SNS's SMS delivery-status record, read: what it says about one SMS, as the outbox keeps it.

The record (Amazon SNS writes one per SMS to CloudWatch Logs, `sns/<region>/<account>/
DirectPublishToPhoneNumber[/Failure]`) looks like
`{"notification": {"messageId", "timestamp"}, "delivery": {"phoneCarrier", "mcc", "mnc",
"destination", "priceInUSD", "smsType", "numberOfMessageParts", "providerResponse", "dwellTimeMs",
…}, "status": "SUCCESS" | "FAILURE"}`. Price, parts and carrier are kept on the notice and summed in
the figures: the agency's real spend, not an estimate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.domain.status import Status

_TEMPORARY = ("unreachable", "unavailable", "temporar", "try again", "queue is full", "inbox is full")
_OPTED_OUT = ("opted out",)
MICRO = Decimal(1_000_000)


@dataclass(frozen=True)
class Receipt:
    message_id: str  # SNS's message id: the outbox's `provider_id`
    status: Status
    reason: str | None
    price_usd: Decimal | None
    parts: int | None
    carrier: str | None

    @property
    def price_musd(self) -> int | None:
        """The price in millionths of a US dollar (the counters add whole numbers)."""
        return None if self.price_usd is None else int((self.price_usd * MICRO).to_integral_value())

    def to_json(self) -> str:
        """What a receipt parked for a notice not yet recorded keeps (no phone: it is not needed)."""
        data = {"message_id": self.message_id, "status": self.status.value, "reason": self.reason}
        data |= {"price_usd": None if self.price_usd is None else str(self.price_usd)}
        data |= {"parts": self.parts, "carrier": self.carrier}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        data = json.loads(text)
        price = data.get("price_usd")
        return cls(
            message_id=str(data["message_id"]),
            status=Status(data["status"]),
            reason=data.get("reason"),
            price_usd=None if price is None else Decimal(price),
            parts=data.get("parts"),
            carrier=data.get("carrier"),
        )


def receipt_status(record: dict[str, Any]) -> tuple[Status, str | None]:
    """(status, reason) for one delivery-status record."""
    if str(record.get("status", "")).upper() == "SUCCESS":
        return Status.DELIVERED, None
    response = str((record.get("delivery") or {}).get("providerResponse") or "unknown")
    lowered = response.lower()
    if any(word in lowered for word in _OPTED_OUT):
        return Status.OPTED_OUT, response[:200]
    if any(word in lowered for word in _TEMPORARY):
        return Status.TEMPORARY_FAILURE, response[:200]
    return Status.PERMANENT_FAILURE, response[:200]


def read_receipt(message: str) -> Receipt:
    """One record (a JSON string) as a Receipt; ValueError when it is not a delivery-status record."""
    record = json.loads(message)
    if not isinstance(record, dict):
        raise ValueError("not an object")
    notification = record.get("notification")
    if not isinstance(notification, dict) or not isinstance(notification.get("messageId"), str):
        raise ValueError("no message id")
    delivery = record.get("delivery") or {}
    if not isinstance(delivery, dict):
        raise ValueError("delivery not an object")
    status, reason = receipt_status(record)
    return Receipt(
        message_id=notification["messageId"],
        status=status,
        reason=reason,
        price_usd=_price(delivery.get("priceInUSD")),
        parts=_parts(delivery.get("numberOfMessageParts")),
        carrier=_carrier(delivery.get("phoneCarrier")),
    )


def _price(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None
    return price if price.is_finite() and 0 <= price < 100 else None


def _parts(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        parts = int(str(value))
    except ValueError:
        return None
    return parts if 0 < parts <= 255 else None


def _carrier(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:64]
