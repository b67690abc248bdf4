"""The date range a figures or audit request names (`from`, `to`: Hanoi days, inclusive), bounded so
that no request reads more than a quarter of days' counters or entries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.web.errors import bad_input

MAX_DAYS = 93  # a quarter: what a manager asks for at once; more is several requests
DEFAULT_DAYS = 7
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _day(name: str, raw: str | None) -> date | None:
    if raw is None or raw == "":
        return None
    if len(raw) > 10 or not _DAY.match(raw):
        raise bad_input(name, "a day, YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise bad_input(name, "not a real day") from None


def read_period(query: Mapping[str, str], today: date) -> Period:
    """`from`..`to` (either may be left out: the week ending today, or ending `to`, or from `from`)."""
    first, last = _day("from", query.get("from")), _day("to", query.get("to"))
    if last is None:
        last = first + timedelta(days=DEFAULT_DAYS - 1) if first else today
    if first is None:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise bad_input("from", "must not be after 'to'")
    if (last - first).days + 1 > MAX_DAYS:
        raise bad_input("to", f"at most {MAX_DAYS} days from 'from'")
    return Period(first, last)
