"""The 15-minute job: notices held for quiet hours go back to `created` once their time has come,
and temporary failures are tried again (outside quiet hours, up to a bound); the outbox stream
sends them. A notice left in `sending` by a sender that died is settled, never sent again."""

from __future__ import annotations

from datetime import timedelta

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.status import Status
from chalicelib.store.conditions import update_if
from chalicelib.store.models import Tables

logger = Logger(child=True)

STUCK_AFTER = timedelta(minutes=15)  # a send takes seconds; every function times out in 60 s
STUCK_REASON = "the sender stopped between claim and outcome: SNS may have sent it, not retried"


def release_held(*, tables: Tables, clock: Clock) -> int:
    """Move every held notice whose `send_after` has passed to `created`; returns how many."""
    model = tables.notifications
    now = utc_iso(clock())
    released = 0
    for item in model.by_status.query(Status.HELD, model.send_after <= now):
        if _move(tables, item.id, Status.HELD, [model.status.set(Status.CREATED), model.updated_at.set(now)]):
            released += 1
    logger.info("held notices released", released=released)
    return released


def retry_failed(*, tables: Tables, clock: Clock, max_attempts: int) -> dict[str, int]:
    """Temporary failures whose wait is over go back to `created`; one that has had `max_attempts`
    sends ends `technical-failure`, its reason saying so. Nothing is retried at night."""
    model = tables.notifications
    moment = clock()
    now = utc_iso(moment)
    counts = {"retried": 0, "gave_up": 0}
    if release_time(moment) is not None:
        return counts
    for item in model.by_status.query(Status.TEMPORARY_FAILURE, model.send_after <= now):
        if int(item.attempts or 0) < max_attempts:
            actions = [model.status.set(Status.CREATED), model.updated_at.set(now)]
            counts["retried"] += _move(tables, item.id, Status.TEMPORARY_FAILURE, actions)
        else:
            reason = f"gave up after {int(item.attempts or 0)} attempts (last: {item.reason or 'unknown'})"
            actions = [model.status.set(Status.TECHNICAL_FAILURE), model.reason.set(reason), model.updated_at.set(now)]
            counts["gave_up"] += _move(tables, item.id, Status.TEMPORARY_FAILURE, actions)
    logger.info("failed notices retried", **counts)
    return counts


def _move(tables: Tables, notice_id: str, expected: Status, actions: list) -> bool:
    """One conditional update: two runs of the job at once move each notice once."""
    model = tables.notifications
    return update_if(model(notice_id), actions, model.status == expected)


def settle_stuck(*, tables: Tables, clock: Clock) -> int:
    """Notices still `sending` long after any sender could be running end `technical-failure`:
    the sender died after its claim, maybe after its Publish, so sending again could tell twice
    (as with a lost answer, notify/retry.py). Returns how many; the figures count them as failed."""
    model = tables.notifications
    moment = clock()
    now, cutoff = utc_iso(moment), utc_iso(moment - STUCK_AFTER)
    settled = 0
    for item in model.by_status.query(Status.SENDING, filter_condition=model.updated_at < cutoff):
        actions = [
            model.status.set(Status.TECHNICAL_FAILURE),
            model.reason.set(STUCK_REASON),
            model.updated_at.set(now),
        ]
        unmoved = (model.status == Status.SENDING) & (model.updated_at == item.updated_at)
        settled += update_if(model(item.id), actions, unmoved)  # only if nothing moved it meanwhile
    if settled:
        logger.warning("notices stuck in sending settled", settled=settled)
    return settled
