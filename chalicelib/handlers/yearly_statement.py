"""`yearly_statement`: the 15 January tick; one queue message per scan segment of `people`, for the
year before the one its event names (however late the run). A second delivery of the tick answers
the first's result (and were it to run again, the outbox's dedupe keys would still send nothing twice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.aws.idempotency import run_anyway_if_in_progress
from chalicelib.domain.clock import scheduled_time
from chalicelib.services import services
from chalicelib.yearly.fanout import start_statement
from chalicelib.yearly.segments_queue import segment_sender


def handle(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    svc = services()
    svc.idempotency.use_context(context)
    at = scheduled_time(event, svc.clock)

    def start(data: dict[str, Any]) -> dict[str, Any]:
        when = datetime.fromisoformat(data["at"])
        return start_statement(clock=lambda: when, segments=svc.settings.yearly_segments, send=segment_sender(svc))

    run = svc.idempotency.wrap("yearly", start, key="year", expires_s=40 * 24 * 3600)
    return run_anyway_if_in_progress(run, start, {"year": str(at.year), "at": at.isoformat()})
