"""Personal data in the outbox lives a bounded time; the promise "told at most once" lives forever.

An outbox item holds a phone, the template's parameters (names, amounts) and the recipient, and its
id (the dedupe key) may embed an ss_code, a card number or a phone. So the whole item carries
`expires_at` and DynamoDB's TTL deletes it `PERSONAL_DATA_DAYS` after it was created. What stays is
a *told marker* in the guard table, `told#<template>#<HMAC-SHA256(key, dedupe key)>`: no personal
value can be read back from it (the key is a SecureString in SSM, never in the table or the code),
yet the same fact hashes to the same marker, so a file re-uploaded after the outbox item expired
still sends nothing. Counts by day, kind and status are kept apart (store/counters.py).

An urgent notice (an OTP, a query reply) answers a request, not a fact: its dedupe key holds a random
request id or the carrier's message id, which no file brings back. Its marker expires with its outbox
item, so an anonymous request leaves nothing behind for good.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from chalicelib.store.models import Tables, exists


def marker_id(dedupe_key: str, key: bytes) -> str:
    """The told marker of a dedupe key: its template in clear (for counts), the rest keyed-hashed."""
    template = dedupe_key.split("#", 1)[0]
    digest = hmac.new(key, dedupe_key.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"told#{template}#{digest}"


def expires_at(created: datetime, days: int) -> int:
    """The TTL (epoch seconds) of a notice's personal data."""
    return int((created + timedelta(days=days)).timestamp())


def already_told(tables: Tables, marker: str) -> bool:
    return exists(tables.guard, marker)


def mark_told(tables: Tables, marker: str, *, expires: int | None = None) -> None:
    """Idempotent: written after the outbox put, and again by any redelivery that finds the item.
    `expires` (epoch seconds, the guard table's TTL) for a marker that need not outlive its notice."""
    tables.guard(marker, expires_at=expires).save()
