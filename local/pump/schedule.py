"""Fires the app's EventBridge schedules from the local clock: every occurrence between the last
tick and now, in order, so `make clock AT=…` runs what would have run in between."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta


def _field_matches(spec: str, value: int) -> bool:
    if spec in ("*", "?"):
        return True
    for part in spec.split(","):
        if part.startswith("*/") and value % int(part[2:]) == 0:
            return True
        if "/" in part and not part.startswith("*/"):
            start, step = part.split("/")
            if value >= int(start) and (value - int(start)) % int(step) == 0:
                return True
        if "-" in part and "/" not in part:
            lo, hi = part.split("-")
            if int(lo) <= value <= int(hi):
                return True
        if part.isdigit() and int(part) == value:
            return True
    return False


def cron_matches(expr: str, at: datetime) -> bool:
    """An EventBridge cron (`min hour dom month dow year`, UTC) at one minute."""
    minute, hour, dom, month, dow, *year = expr.split()
    at = at.astimezone(UTC)
    eventbridge_dow = (at.isoweekday() % 7) + 1  # EventBridge: 1 = Sunday
    return (
        _field_matches(minute, at.minute)
        and _field_matches(hour, at.hour)
        and _field_matches(dom, at.day)
        and _field_matches(month, at.month)
        and _field_matches(dow, eventbridge_dow)
        and (not year or _field_matches(year[0], at.year))
    )


def occurrences(expr: str, after: datetime, until: datetime) -> Iterator[datetime]:
    """The minutes in (after, until] at which `cron(expr)` or `rate(n unit)` fires."""
    start = after.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = until.astimezone(UTC)
    if expr.startswith("rate("):
        value, unit = expr[5:-1].split()
        step = timedelta(**{unit.rstrip("s") + "s": int(value)})
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        at = epoch + ((start - epoch) // step) * step
        at = at if at >= start else at + step
        while at <= end:
            yield at
            at += step
        return
    body = expr[5:-1] if expr.startswith("cron(") else expr
    at = start
    while at <= end:
        if cron_matches(body, at):
            yield at
        at += timedelta(minutes=1)
