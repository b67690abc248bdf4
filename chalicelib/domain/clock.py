"""Time comes from an injected clock, so rules and tests never read the wall clock themselves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

ICT = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
"""Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no tz database."""

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in Vietnam's zone."""
    return datetime.now(ICT)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always says `at`: for tests and for the local stack's movable clock."""
    aware = at if at.tzinfo else at.replace(tzinfo=ICT)
    return lambda: aware.astimezone(ICT)


def scheduled_time(event: Mapping[str, Any] | None, fallback: Clock) -> datetime:
    """The moment a scheduled run is for: its EventBridge event's `time` (`2026-11-25T01:00:00Z`),
    in Vietnam's zone. A run that starts late or is retried still works on its own day; an event
    without a readable time (invoked by hand) takes `fallback`'s now."""
    raw = (event or {}).get("time")
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(ICT)
    return fallback()


def utc_iso(moment: datetime, *, milliseconds: bool = False) -> str:
    """The one stored time format (`2026-11-25T03:00:00Z`): UTC, so keys and indexes sort by time
    whatever zone the moment came in; to the second, or the millisecond where order within a second
    counts (the audit trail's keys)."""
    spec = "milliseconds" if milliseconds else "seconds"
    return moment.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")
