"""Personal data in the outbox lives a bounded time; the promise "told at most once" lives forever,
on the outbox item itself.

A notice's key is `<template>#<HMAC-SHA256(key, dedupe key)>`: the dedupe key names the fact (and may
hold an ss_code, a card number or a phone), the keyed hash does not let it be read back (the key is
a SecureString in SSM, never in the table or the code), yet the same fact gives the same key, so the
outbox's conditional put is the only check that a fact was told. The item holds a phone, the
template's parameters and the recipient, so it carries `expires_at` and DynamoDB's TTL removes it
`PERSONAL_DATA_DAYS` after it was created. The outbox stream sees that removal, and `route` writes
back what stays: the key, the template, the status and its times, the batch file, the receipt's
price and parts, with `stripped_at` (no phone, parameters, recipient or provider id). A fact seen
again later finds its key taken and sends nothing.

Notices with no fact behind them (OTPs and query replies: keyed by a random request or an inbound
message id) are not kept: anonymous requests leave nothing for good.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.status import NO_RECEIPT, NOTICE_MOVES, Status

# What stays of a notice after its personal data expired (every other attribute goes).
KEPT = ("id", "template", "status", "reason", "urgent", "created_at", "updated_at", "attempts", "source")
KEPT += ("batch", "sent_at", "parts", "receipt_at", "price_usd", "carrier")
EXPIRED_UNSENT = "personal data expired before it was sent"


_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def notice_id(dedupe_key: str, key: bytes) -> str:
    """The outbox key of a dedupe key: its template in clear (for counts and logs), the rest keyed-hashed.
    The digest is written in the letters a-p, not hex: a run of ten digits in it would be masked in
    the logs as if it were an ss_code (domain/privacy.py), and the key could no longer be followed."""
    template = dedupe_key.split("#", 1)[0]
    digest = hmac.new(key, dedupe_key.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{template}#{digest.translate(_LETTERS)}"


def expires_at(created: datetime, days: int) -> int:
    """The TTL (epoch seconds) of a notice's personal data."""
    return int((created + timedelta(days=days)).timestamp())


def is_ttl_removal(record: Mapping[str, Any]) -> bool:
    """A stream REMOVE made by DynamoDB's TTL (`userIdentity` names the service), not by anyone's delete."""
    identity = record.get("userIdentity") or {}
    return record.get("eventName") == "REMOVE" and identity.get("principalId") == "dynamodb.amazonaws.com"


def what_stays(old: Mapping[str, Any], now_iso: str) -> dict[str, Any] | None:
    """The item written back after the TTL removed `old`, or None for a notice not kept (urgent).
    A notice that had not gone yet never will: it stays `cancelled`, saying why."""
    if old.get("urgent") or not old.get("id"):
        return None
    kept = {name: old[name] for name in KEPT if old.get(name) is not None}
    waiting = NOTICE_MOVES.sources(Status.CANCELLED)  # not gone yet: `created`, `held`, `sending`, retried
    if old.get("status") in waiting and old.get("reason") != NO_RECEIPT:
        kept |= {"status": Status.CANCELLED.value, "reason": EXPIRED_UNSENT, "updated_at": now_iso}
    return kept | {"stripped_at": now_iso}
