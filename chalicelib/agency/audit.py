"""Recording a console action: who, when, what, from where; the outcome, and nothing personal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock
from chalicelib.domain.staff import Action, Staff
from chalicelib.store.audit import Entry, append
from chalicelib.store.models import Tables

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
    append(tables.audit, entry, now=clock())
    logger.info("console action", staff=staff.username, action=action.value, outcome=outcome, subject=subject)
