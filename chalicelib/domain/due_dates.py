"""When each reminder is due, computed once at ingest so the daily job reads only what is due today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from chalicelib.domain.clock import ICT
from chalicelib.domain.coverage import LEAD, month_end

DAILY_RUN = time(8, 0)  # reminders go out at 08:00 Asia/Ho_Chi_Minh
ARREARS_DAY = 10  # the 10th of the month after the period (VssID tells employees then too)


def hi_card_due(valid_to: date, household: bool) -> date | None:
    """A household card is reminded 30 days before it expires; other cards are renewed by others."""
    return valid_to - LEAD if household else None


def voluntary_due(paid_to: str) -> date:
    """30 days before the end of the last month paid (`YYYY-MM`)."""
    return month_end(paid_to) - LEAD


def arrears_due(period: str, now: datetime) -> date:
    """The 10th of the month after `period`; when that day's 08:00 run has passed at ingest, the next
    daily run: today when it is not yet 08:00, else tomorrow."""
    year, month = (int(p) for p in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    sending_day = date(year, month, ARREARS_DAY)
    local = now.astimezone(ICT)
    if local < datetime.combine(sending_day, DAILY_RUN, tzinfo=ICT):
        return sending_day
    return local.date() if local.time() < DAILY_RUN else local.date() + timedelta(days=1)
