"""The agency's counters and the `Notices` metrics move with the outbox's status changes
(domain/figures.py says which): every change passes the outbox stream, whichever function made it.
A stream record delivered again counts again; the outbox stays the record of each notice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.figures import ict_day, measures_of
from chalicelib.domain.status import Status
from chalicelib.observability import count_metric
from chalicelib.store.counters import add_counts
from chalicelib.store.models import Tables


def tally_change(tables: Tables, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
    """Count one outbox change: its metrics at once, its day's counters by an atomic ADD."""
    if not new:
        return
    status, template = str(new.get("status")), str(new.get("template"))
    if not old or old.get("status") != status:
        count_metric("Notices", 1, template=template, status=status)
        if status == Status.UNREACHABLE:
            count_metric("UnreachableRecipients", 1, template=template)
    moved = measures_of((old or {}).get("status"), new.get("status"), inserted=not old)
    if moved:
        day = ict_day(str(new.get("updated_at") or new.get("created_at")))
        add_counts(tables, day, template, moved)
