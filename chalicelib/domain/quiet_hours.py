"""Nothing that can wait is sent at night: 21:00-07:00 in Vietnam holds a notice until 07:00."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from chalicelib.domain.clock import ICT

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)


def release_time(now: datetime) -> datetime | None:
    """When a notice created at `now` may go: None when it may go at once, else the next 07:00."""
    local = now.astimezone(ICT)
    t = local.time()
    if QUIET_UNTIL <= t < QUIET_FROM:
        return None
    day = local.date() if t < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=ICT)
