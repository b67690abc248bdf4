"""`daily_summary`: after midnight Hanoi time, the figures of the day before the one its event
names (a late start or a retry still sums up that day)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.domain.clock import scheduled_time
from chalicelib.reporting.daily import write_daily_summary
from chalicelib.services import services


def handle(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, str]:
    svc = services()
    day = (scheduled_time(event, svc.clock).date() - timedelta(days=1)).isoformat()
    return {"key": write_daily_summary(svc, day)}
