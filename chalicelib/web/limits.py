"""Per-client and per-code rate limits on the API: a fixed window counted in guard, then 429."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.store.guard import count_hit
from chalicelib.web.errors import too_many

if TYPE_CHECKING:
    from chalicelib.services import Services


@dataclass(frozen=True)
class Limit:
    allowed: int
    window_s: int


def enforce(svc: Services, scope: str, limit: Limit) -> None:
    """Count one request against `scope`; over the limit, 429 with the seconds until the window turns."""
    if count_hit(svc.tables, scope, window_s=limit.window_s, clock=svc.clock) > limit.allowed:
        now = int(svc.clock().timestamp())
        raise too_many(limit.window_s - now % limit.window_s)
