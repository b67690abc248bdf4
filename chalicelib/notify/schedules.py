"""Scheduled jobs' entry points: the event is only a tick, the clock says what time it is."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain.clock import scheduled_time
from chalicelib.notify.idempotent import idempotent, register_context
from chalicelib.notify.release import release_held, retry_failed, settle_stuck
from chalicelib.notify.reminders import run_reminders
from chalicelib.notify.sender import MAX_ATTEMPTS
from chalicelib.services import services


def handle_release_tick(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, int]:
    svc = services()
    released = release_held(tables=svc.tables, clock=svc.clock)
    settled = settle_stuck(tables=svc.tables, clock=svc.clock)
    retried = retry_failed(tables=svc.tables, clock=svc.clock, max_attempts=MAX_ATTEMPTS)
    return {"released": released, "settled": settled, **retried}


def _reminders_of(data: dict[str, Any]) -> dict[str, Any]:
    svc = services()
    return run_reminders(tables=svc.tables, clock=svc.clock, day=date.fromisoformat(data["day"]))


def handle_reminders_tick(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """The daily 08:00 run for the day its event names (a late start or a retry works on that day,
    not on the day it happens to run); a second delivery of that tick answers the first's result."""
    svc = services()
    run = idempotent(svc, "reminders", _reminders_of, key="day", expires_s=2 * 24 * 3600)
    register_context("reminders", context)
    return run(data={"day": scheduled_time(event, svc.clock).date().isoformat()})
