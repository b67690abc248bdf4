"""Scheduled jobs' entry points: the event is only a tick, the clock says what time it is."""

from __future__ import annotations

from typing import Any

from chalicelib.notify.release import release_held
from chalicelib.services import services


def handle_release_tick(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, int]:
    svc = services()
    return {"released": release_held(tables=svc.tables, clock=svc.clock)}
