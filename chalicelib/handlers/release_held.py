"""`release_held`: the 15-minute job (held notices released, stuck ones settled, failures retried)."""

from __future__ import annotations

from typing import Any

from chalicelib.notify.release import release_held, retry_failed, settle_stuck
from chalicelib.notify.sender import MAX_ATTEMPTS
from chalicelib.services import services


def handle(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, int]:
    svc = services()
    released = release_held(tables=svc.tables, clock=svc.clock)
    settled = settle_stuck(tables=svc.tables, clock=svc.clock)
    retried = retry_failed(tables=svc.tables, clock=svc.clock, max_attempts=MAX_ATTEMPTS)
    return {"released": released, "settled": settled, **retried}
