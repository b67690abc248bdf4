"""`remind`: the daily 08:00 run of reminders for the day its event names (a late start or a retry
works on that day, not on the day it happens to run); a second delivery of that tick answers the
first's result (EventBridge delivers at least once)."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.aws.idempotency import run_anyway_if_in_progress
from chalicelib.domain.clock import scheduled_time
from chalicelib.notify.reminders import run_reminders
from chalicelib.services import services


def handle(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    svc = services()
    svc.idempotency.use_context(context)

    def run_day(data: dict[str, Any]) -> dict[str, int]:
        return run_reminders(svc, date.fromisoformat(data["day"]))

    run = svc.idempotency.wrap("reminders", run_day, key="day", expires_s=2 * 24 * 3600)
    return run_anyway_if_in_progress(run, run_day, {"day": scheduled_time(event, svc.clock).date().isoformat()})
