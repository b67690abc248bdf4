"""The daily 08:00 job: reads only the ledger's `due` index for the days it covers, so its cost
follows what is due, never the size of the table, and enqueues what domain/reminders.py decides.

A run covers its own day and every day since the last run that finished (`reminders#through` in
guard), back to `CATCH_UP`: a run that failed or never came is caught up by the next one, and a
row that arrived after its day was given the next run's day at ingest (domain/due_dates.py)."""

from __future__ import annotations

from datetime import date, timedelta

from aws_lambda_powertools import Logger

from chalicelib.domain.due_dates import CATCH_UP
from chalicelib.domain.reminders import remind
from chalicelib.notify.outbox import enqueue_all
from chalicelib.observability import correlate
from chalicelib.services import Services
from chalicelib.store.guard import mark_reminders_through, reminders_through

logger = Logger(child=True)


def days_to_cover(svc: Services, day: date) -> list[date]:
    """`day` and each earlier day since the last finished run, oldest first, `CATCH_UP` at most."""
    first = day - CATCH_UP
    through = reminders_through(svc.tables)
    if through is not None:
        first = max(first, through + timedelta(days=1))
    return [first + timedelta(days=n) for n in range((day - first).days + 1)]


def run_reminders(svc: Services, day: date) -> dict[str, int]:
    """Tell everything due on `day`, or on a day since the last finished run, that still warns of
    something to come; a second run for the same day enqueues nothing new."""
    covered = days_to_cover(svc, day)
    due = queued = 0
    for each in covered:
        for item in svc.tables.ledger.due.query(each.isoformat()):
            due += 1
            correlate(item.source)
            queued += enqueue_all(svc, remind(item.image(), day), source=item.source)
    correlate(None)
    mark_reminders_through(svc.tables, day)  # unless a run for a later day already did (an old tick retried)
    logger.info("reminders run", day=day.isoformat(), days=len(covered), due=due, queued=queued)
    return {"due": due, "queued": queued}
