"""`remind`: the daily 08:00 run of reminders; a second delivery of the same day's tick answers the
first's result (EventBridge delivers at least once)."""

from __future__ import annotations

from typing import Any

from chalicelib.notify.reminders import run_reminders
from chalicelib.services import services


def handle(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    svc = services()
    svc.idempotency.use_context(context)
    run = svc.idempotency.wrap("reminders", lambda data: run_reminders(svc), key="day", expires_s=2 * 24 * 3600)
    return run(data={"day": svc.clock().date().isoformat()})
