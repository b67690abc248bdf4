"""Per-client and per-code request limits: fixed windows counted in the guard table, 429 beyond."""

from __future__ import annotations

from chalicelib.api.errors import too_many
from chalicelib.domain.clock import Clock
from chalicelib.store.guard import count_hit
from chalicelib.store.models import Tables

Limit = tuple[int, int]  # (requests allowed, window in seconds)


def enforce(tables: Tables, scope: str, limit: Limit, clock: Clock) -> None:
    """Count one request against `scope`; past the limit, 429 with `Retry-After` = the window's end."""
    allowed, window_s = limit
    if count_hit(tables, scope, window_s=window_s, clock=clock) > allowed:
        now = int(clock().timestamp())
        raise too_many(window_s - now % window_s)
