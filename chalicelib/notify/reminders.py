"""The daily 08:00 job: reads only the ledger's `due` index for today, so its cost follows what
is due, never the size of the table, and enqueues what domain/reminders.py decides."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock
from chalicelib.domain.reminders import remind
from chalicelib.notify.outbox import enqueue_all
from chalicelib.observability import correlate
from chalicelib.store.models import LedgerModel, Tables

logger = Logger(child=True)


def due_image(item: LedgerModel) -> dict:
    """A ledger item as the reminder rules see it: its facts, flat, beside kind, pk and due_on."""
    facts = item.facts.as_dict() if item.facts is not None else {}
    return {**facts, "kind": item.kind, "pk": item.pk, "due_on": item.due_on}


def run_reminders(*, tables: Tables, clock: Clock) -> dict[str, int]:
    """Tell everything due today; a second run the same day enqueues nothing new."""
    today = clock().date()
    due = queued = 0
    for item in tables.ledger.due.query(today.isoformat()):
        due += 1
        correlate(item.source)
        queued += enqueue_all(remind(due_image(item), today), tables=tables, clock=clock, source=item.source)
    correlate(None)
    logger.info("reminders run", day=today.isoformat(), due=due, queued=queued)
    return {"due": due, "queued": queued}
