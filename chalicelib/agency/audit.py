"""Recording a console action: who, when, what, from where; the outcome, and nothing personal. A
sign-in is recorded by the API itself, once, on the first request it sees of it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock
from chalicelib.domain.staff import Action, Staff
from chalicelib.store.audit import Entry, append
from chalicelib.store.guard import first_time, forget
from chalicelib.store.models import Tables

if TYPE_CHECKING:
    from chalicelib.agency.identity import SignedIn

logger = Logger(child=True)


def record(
    tables: Tables,
    clock: Clock,
    staff: Staff,
    action: Action,
    *,
    outcome: str = "ok",
    subject: str | None = None,
    source_ip: str | None = None,
    user_agent: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    entry = Entry(
        staff=staff.username,
        province_code=staff.province_code,
        action=action.value,
        outcome=outcome,
        subject=subject,
        source_ip=source_ip,
        user_agent=user_agent,
        details=dict(details or {}),
    )
    append(tables, entry, now=clock())
    logger.info("console action", staff=staff.username, action=action.value, outcome=outcome, subject=subject)


SIGN_IN_KEPT_S = 2 * 24 * 3600  # longer than a sign-in lasts (refresh tokens: 12 hours)
_recorded: set[str] = set()  # sign-ins this process has seen recorded: no write on every request
_MAX_REMEMBERED = 10_000


def record_sign_in(
    tables: Tables, clock: Clock, signed_in: SignedIn, *, source_ip: str | None, user_agent: str | None
) -> bool:
    """The sign-in's audit entry, on the first request any API process sees of it: not something the
    page may choose to do. Once per sign-in (Cognito's `origin_jti`, the same for every token the
    sign-in is refreshed into), whichever route and Lambda saw it first. True when recorded now."""
    marker = "signin#" + hashlib.sha256(signed_in.session.encode()).hexdigest()[:32]
    if marker in _recorded:
        return False
    if first_time(tables, marker, keep_s=SIGN_IN_KEPT_S, clock=clock):
        details = {"auth_time": datetime.fromtimestamp(signed_in.auth_time, UTC).isoformat()}
        try:
            where = {"source_ip": source_ip, "user_agent": user_agent}
            record(tables, clock, signed_in.staff, Action.SIGN_IN, details=details, **where)
        except Exception:
            forget(tables, marker)  # not recorded: the next request records it
            raise
        recorded = True
    else:
        recorded = False
    if len(_recorded) >= _MAX_REMEMBERED:
        _recorded.clear()
    _recorded.add(marker)
    return recorded
