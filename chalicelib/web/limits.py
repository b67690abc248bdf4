"""Per-client and per-code rate limits on the API: a fixed window counted in guard, then 429."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.clock import Clock
from chalicelib.store.guard import count_hit
from chalicelib.store.models import Tables
from chalicelib.web.errors import too_many


@dataclass(frozen=True)
class Limit:
    allowed: int
    window_s: int


def enforce(tables: Tables, scope: str, limit: Limit, clock: Clock) -> None:
    """Count one request against `scope`; over the limit, 429 with the seconds until the window turns."""
    if count_hit(tables, scope, window_s=limit.window_s, clock=clock) > limit.allowed:
        now = int(clock().timestamp())
        raise too_many(limit.window_s - now % limit.window_s)
