"""Sends what the outbox holds: only from `created`, claimed first so that no retry sends twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError

from chalicelib.domain.clock import Clock
from chalicelib.domain.phones import mask_phone
from chalicelib.domain.templates import render
from chalicelib.notify.outbox import utc_iso
from chalicelib.notify.sms import SmsProvider
from chalicelib.store.models import NotificationModel, Tables

logger = Logger(child=True)

_TRANSIENT = frozenset({"Throttling", "ThrottlingException", "InternalError", "ServiceUnavailable"})


def should_send(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    """A stream change that asks for a send: a notice that has just become `created`."""
    if not new or new.get("status") != "created":
        return False
    return old is None or old.get("status") != "created"


def send_notice(notice_id: str, *, tables: Tables, sms: SmsProvider, clock: Clock) -> str:
    """Claim the notice (`created` → `sending`), send it, record the outcome; returns the status."""
    model = tables.notifications
    item: NotificationModel = model(notice_id)
    try:
        item.update(  # the answer (ALL_NEW) fills `item`: no read before the claim
            actions=[model.status.set("sending"), model.attempts.add(1), model.updated_at.set(utc_iso(clock()))],
            condition=model.status == "created",
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            logger.info("notice already claimed", notice_id=notice_id)
            return "skipped"
        raise
    phone = item.phone or ""
    if not item.urgent and sms.is_opted_out(phone):
        return _finish(item, model, clock, status="opted-out", reason="phone opted out")
    text = render(item.template, item.params.as_dict())
    try:
        provider_id = sms.send(phone, text)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "Unknown")
        status = "temporary-failure" if code in _TRANSIENT else "technical-failure"
        return _finish(item, model, clock, status=status, reason=code)
    logger.info("notice sent", notice_id=notice_id, provider_id=provider_id, phone=mask_phone(phone))
    return _finish(item, model, clock, status="sent", provider_id=provider_id)


def _finish(
    item: NotificationModel,
    model: type[NotificationModel],
    clock: Clock,
    *,
    status: str,
    reason: str | None = None,
    provider_id: str | None = None,
) -> str:
    actions = [model.status.set(status), model.updated_at.set(utc_iso(clock()))]
    if reason is not None:
        actions.append(model.reason.set(reason))
    if provider_id is not None:
        actions.append(model.provider_id.set(provider_id))
    item.update(actions=actions)
    if status != "sent":
        logger.warning("notice not sent", notice_id=item.id, status=status, reason=reason)
    return status
