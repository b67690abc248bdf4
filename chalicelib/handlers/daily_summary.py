"""`daily_summary`: after midnight Hanoi time, the figures of the day that has just ended."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.reporting.daily import write_daily_summary
from chalicelib.services import services


def handle(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, str]:
    svc = services()
    day = (svc.clock().date() - timedelta(days=1)).isoformat()
    return {"key": write_daily_summary(svc, day)}
