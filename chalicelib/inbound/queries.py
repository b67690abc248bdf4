"""One inbound SMS (the carrier's JSON) to at most one reply in the outbox.

Each `inboundMessageId` is answered once: its reply's dedupe key is `reply#<inboundMessageId>`, and
a redelivered message whose reply is already in the outbox is not counted again. A phone may send
10 queries an hour; the 11th gets one "too many" reply, the rest none until the hour turns."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain import sms_replies as replies
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.json_input import parse_json_object
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.phones import mask_phone, normalize_mobile
from chalicelib.domain.sms_grammar import parse
from chalicelib.inbound.answers import answer
from chalicelib.notify.outbox import enqueue
from chalicelib.notify.retention import notice_id
from chalicelib.observability import correlate, count_metric
from chalicelib.services import Services
from chalicelib.store.guard import count_hit
from chalicelib.store.models import exists

logger = Logger(child=True)

RATE_LIMIT = 10
RATE_WINDOW_S = 3600
_E164 = re.compile(r"^\+\d{8,15}$", re.ASCII)


def handle_inbound_sms(svc: Services, message: str, *, fallback_id: str = "") -> str:
    """Answer one carrier message; returns what happened (for logs and tests):
    `queued`, `duplicate`, `limited`, `too-many`, or `ignored` (no usable sender)."""
    tables, clock = svc.tables, svc.clock
    carrier = _carrier_json(message)
    phone = _sender_phone(carrier.get("originationNumber"))
    if phone is None:
        logger.warning("inbound sms without a usable sender", sns_message_id=fallback_id)
        return "ignored"
    inbound_id = _inbound_id(carrier.get("inboundMessageId"), fallback_id)
    dedupe_key = f"reply#{inbound_id}"
    correlate(f"sms#{inbound_id}")
    if exists(tables.notifications, notice_id(dedupe_key, svc.dedupe_hash_key())):
        logger.info("inbound sms already answered", inbound_id=inbound_id)
        return "duplicate"
    hits = count_hit(tables, f"sms#{phone}", window_s=RATE_WINDOW_S, clock=clock)
    if hits > RATE_LIMIT + 1:
        logger.warning("inbound sms over the limit, not answered", phone=mask_phone(phone), hits=hits)
        return "limited"
    if hits == RATE_LIMIT + 1:
        reply, outcome = replies.TOO_MANY, "too-many"
    else:
        command = parse(carrier.get("messageBody"))
        reply = answer(svc, command, phone=phone)
        outcome = "queued"
        logger.info("inbound sms parsed", inbound_id=inbound_id, command=type(command).__name__)
        count_metric("SmsQueries", 1, syntax=type(command).__name__)
    notice = Notice(
        template="query_reply",
        dedupe_key=dedupe_key,
        recipient=Recipient("phone", phone),
        params={"text": reply},
        urgent=True,
    )
    if enqueue(svc, notice, source=f"sms#{inbound_id}") is None:
        return "duplicate"
    return outcome


def _carrier_json(message: str) -> dict[str, Any]:
    """The carrier's message through the one JSON reader (deep nesting refused, not a RecursionError)."""
    try:
        return parse_json_object(message)
    except InvalidValue:
        return {}


def _sender_phone(raw: object) -> str | None:
    """The sender as E.164: a Vietnamese mobile normalised, any other E.164 number as given."""
    if not isinstance(raw, str):
        return None
    try:
        return normalize_mobile(raw)
    except InvalidValue:
        return raw if _E164.match(raw) else None


def _inbound_id(raw: object, fallback: str) -> str:
    text = raw if isinstance(raw, str) and raw else fallback
    if len(text) > 128 or not text.isprintable():
        return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    return text
