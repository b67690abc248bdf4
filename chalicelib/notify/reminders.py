"""The daily 08:00 job: reads only the ledger's `due` index for today, so its cost follows what
is due, never the size of the table, and enqueues what domain/reminders.py decides."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from chalicelib.domain.reminders import remind
from chalicelib.notify.outbox import enqueue_all
from chalicelib.observability import correlate
from chalicelib.services import Services

logger = Logger(child=True)


def run_reminders(svc: Services) -> dict[str, int]:
    """Tell everything due today; a second run the same day enqueues nothing new."""
    today = svc.clock().date()
    due = queued = 0
    for item in svc.tables.ledger.due.query(today.isoformat()):
        due += 1
        correlate(item.source)
        queued += enqueue_all(svc, remind(item.image(), today), source=item.source)
    correlate(None)
    logger.info("reminders run", day=today.isoformat(), due=due, queued=queued)
    return {"due": due, "queued": queued}
