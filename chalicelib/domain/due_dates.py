"""When each reminder is due, computed once at ingest so the daily job reads only what is due.

A reminder is due `LEAD` before the date it warns of (a card's expiry, the end of the paid-up
period), or, for a row that arrives after that day, at the next daily run, as long as the date it
warns of has not passed then. A daily run that did not happen is caught up by the next one
(notify/reminders.py), back to `CATCH_UP` days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from chalicelib.domain.clock import ICT
from chalicelib.domain.coverage import LEAD, month_end

CATCH_UP = timedelta(days=30)  # how far back a daily run looks for days whose run was missed
DAILY_RUN = time(8, 0)  # reminders go out at 08:00 Asia/Ho_Chi_Minh
ARREARS_DAY = 10  # the 10th of the month after the period (VssID tells employees then too)


def next_run_day(now: datetime) -> date:
    """The day of the first daily run at or after `now`: today before 08:00 in Hanoi, else tomorrow."""
    local = now.astimezone(ICT)
    return local.date() if local.time() < DAILY_RUN else local.date() + timedelta(days=1)


def _at_the_earliest_next_run(day: date, now: datetime | None) -> date:
    return day if now is None else max(day, next_run_day(now))


def hi_card_due(valid_to: date, household: bool, now: datetime | None = None) -> date | None:
    """A household card is reminded 30 days before it expires (or at the next run after `now`, the
    time of ingest, while it has not expired); other cards are renewed by the employer or the state."""
    if not household:
        return None
    day = _at_the_earliest_next_run(valid_to - LEAD, now)
    return day if day <= valid_to else None


def voluntary_due(paid_to: str, now: datetime | None = None) -> date | None:
    """30 days before the end of the last month paid (`YYYY-MM`), or the next run after `now` while
    it has not ended."""
    end = month_end(paid_to)
    day = _at_the_earliest_next_run(end - LEAD, now)
    return day if day <= end else None


def arrears_due(period: str, now: datetime) -> date:
    """The 10th of the month after `period`; when that day's 08:00 run has passed at ingest, the next
    daily run: today when it is not yet 08:00, else tomorrow."""
    year, month = (int(p) for p in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _at_the_earliest_next_run(date(year, month, ARREARS_DAY), now)
