"""Sends what the outbox holds: only from `created`, claimed first so that no retry sends twice.

After the claim (`created` → `sending`, one conditional update) the notice ends in exactly one of:
`held` (quiet hours began meanwhile), `opted-out` (the service's own list or SNS's), `sent` (with
the provider's message id), or a failure status with its reason (notify/retry.py says which).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.phones import mask_phone
from chalicelib.domain.privacy import notice_ref
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.status import Status
from chalicelib.domain.templates import render
from chalicelib.notify.retry import error_code, failure_status, outcome_unknown, publish_retryable, with_retries
from chalicelib.services import Services
from chalicelib.store.batches import PAUSED_RECHECK, BatchState, batch_state
from chalicelib.store.conditions import update_if
from chalicelib.store.guard import is_opted_out
from chalicelib.store.models import NotificationModel

logger = Logger(child=True)

MAX_ATTEMPTS = 5  # sends of one notice, counting the 15-minute job's retries
RETRY_AFTER = timedelta(minutes=15)  # doubled after each failed attempt


def should_send(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    """A stream change that asks for a send: a notice that has just become `created`."""
    if not new or new.get("status") != Status.CREATED:
        return False
    return old is None or old.get("status") != Status.CREATED


def send_notice(svc: Services, notice_id: str) -> str:
    """Claim the notice (`created` → `sending`), send it, record the outcome; returns the status."""
    tables, clock = svc.tables, svc.clock
    model = tables.notifications
    item: NotificationModel = model(notice_id)
    claim = [model.status.set(Status.SENDING), model.attempts.add(1), model.updated_at.set(utc_iso(clock()))]
    if not update_if(item, claim, model.status == Status.CREATED):  # the answer (ALL_NEW) fills `item`
        logger.info("notice already claimed", notice=notice_ref(notice_id))
        return "skipped"
    if item.batch:  # the console may have paused or stopped its batch file (store/batches.py)
        state = batch_state(tables, item.batch)
        if state is BatchState.PAUSED:
            later = utc_iso(clock() + PAUSED_RECHECK)
            return _finish(item, model, clock, status=Status.HELD, send_after=later, reason="batch paused", attempts=-1)
        if state is BatchState.STOPPED:
            return _finish(item, model, clock, status=Status.CANCELLED, reason="batch stopped", attempts=-1)
    phone = item.phone or ""
    if not item.urgent:
        release = release_time(clock())
        if release is not None:  # a late stream or a retry must not wake anyone either
            return _finish(item, model, clock, status=Status.HELD, send_after=utc_iso(release), attempts=-1)
        try:
            if is_opted_out(tables, phone) or with_retries(lambda: svc.sms.is_opted_out(phone), sleep=svc.sleep):
                return _finish(item, model, clock, status=Status.OPTED_OUT, reason="phone opted out")
        except Exception as exc:
            return _failed(item, model, clock, exc)
    text = render(item.template, item.params.as_dict(), unicode=svc.settings.unicode_sms)

    def publish() -> str:
        svc.pacer.acquire()
        return svc.sms.send(phone, text)

    try:
        provider_id = with_retries(publish, retry_on=publish_retryable, sleep=svc.sleep)
    except Exception as exc:
        if outcome_unknown(exc):  # never sent again, by this call or the 15-minute job
            reason = f"{error_code(exc)}: SNS may have sent it, not retried"
            return _finish(item, model, clock, status=Status.TECHNICAL_FAILURE, reason=reason)
        return _failed(item, model, clock, exc)
    logger.info("notice sent", notice=notice_ref(notice_id), provider_id=provider_id, phone=mask_phone(phone))
    return _finish(item, model, clock, status=Status.SENT, provider_id=provider_id)


def retry_after(item: NotificationModel, clock: Clock) -> str:
    """When the 15-minute job may try a temporary failure again: 15, 30, 60, … minutes on."""
    attempts = max(int(item.attempts or 1), 1)
    return utc_iso(clock() + RETRY_AFTER * 2 ** (attempts - 1))


def _failed(item: NotificationModel, model: type[NotificationModel], clock: Clock, exc: Exception) -> str:
    status = failure_status(exc)
    after = retry_after(item, clock) if status == Status.TEMPORARY_FAILURE else None
    return _finish(item, model, clock, status=status, reason=error_code(exc), send_after=after)


def _finish(
    item: NotificationModel,
    model: type[NotificationModel],
    clock: Clock,
    *,
    status: str,
    reason: str | None = None,
    provider_id: str | None = None,
    send_after: str | None = None,
    attempts: int = 0,
) -> str:
    actions = [model.status.set(status), model.updated_at.set(utc_iso(clock()))]
    if reason is not None:
        actions.append(model.reason.set(reason))
    if provider_id is not None:
        actions.append(model.provider_id.set(provider_id))
        actions.append(model.reason.remove())  # an earlier attempt's failure is no longer the story
    if send_after is not None:
        actions.append(model.send_after.set(send_after))
    if attempts:
        actions.append(model.attempts.add(attempts))  # a hold is not an attempt
    item.update(actions=actions)
    if status != Status.SENT:
        logger.warning("notice not sent", notice=notice_ref(item.id), status=status, reason=reason)
    return status
