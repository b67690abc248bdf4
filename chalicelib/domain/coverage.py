"""How far a health card or a voluntary plan covers someone: one 30-day lead for "running out",
one month end, one answer to "is it still good today"."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

LEAD = timedelta(days=30)  # warned of 30 days ahead: the reminder's lead, the lookup's "expiring"


def month_end(month: str) -> date:
    """The last day of `YYYY-MM`."""
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def card_status(valid_to: str, today: date) -> str:
    """`expired` after `valid_to`, `expiring` within 30 days of it, else `valid`."""
    end = date.fromisoformat(valid_to)
    if today > end:
        return "expired"
    return "expiring" if end - today <= LEAD else "valid"


def plan_status(paid_to: str, today: date) -> str:
    """A voluntary plan paid to `paid_to` (`YYYY-MM`): `lapsed` after that month, `due` within 30
    days of its end, else `paid_up`."""
    end = month_end(paid_to)
    if today > end:
        return "lapsed"
    return "due" if end - today <= LEAD else "paid_up"
