"""The audit trail in the console: who did what, when and from where, by date range, staff member and
kind of action; as JSON for the page's table or as CSV. Staff see the entries of their province's
staff (national staff: everyone's). Nothing in it is personal beyond a masked subject."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from chalicelib.agency.period import read_period
from chalicelib.domain.csv_out import CsvFile, csv_text
from chalicelib.domain.staff import NATIONAL, Action, Staff
from chalicelib.services import Services
from chalicelib.store.audit import AuditModel, trail
from chalicelib.store.maps import plain_map
from chalicelib.web.errors import bad_input

MAX_ROWS = 2000
COLUMNS = ("at", "staff", "province_code", "action", "outcome", "subject", "source_ip", "user_agent", "details")
_USERNAME = re.compile(r"^[\w.@+-]{1,128}$", re.ASCII)
_ACTIONS = {a.value for a in Action}


def _row(item: AuditModel) -> dict[str, Any]:
    return {
        "at": item.at,
        "staff": item.staff,
        "province_code": item.province_code,
        "action": item.action,
        "outcome": item.outcome,
        "subject": item.subject,
        "source_ip": item.source_ip,
        "user_agent": item.user_agent,
        "details": plain_map(item.details),
    }


def audit_trail(svc: Services, staff: Staff, query: Mapping[str, str]) -> dict[str, Any] | CsvFile:
    """`?from=&to=&staff=&action=`, newest first, at most MAX_ROWS (`truncated` says so); `format=csv`."""
    period = read_period(query, svc.clock().date())
    who, kind, fmt = query.get("staff") or None, query.get("action") or None, query.get("format") or "json"
    if who is not None and not _USERNAME.match(who):
        raise bad_input("staff", "a staff member's username")
    if kind is not None and kind not in _ACTIONS:
        raise bad_input("action", f"one of {', '.join(sorted(_ACTIONS))}")
    if fmt not in ("json", "csv"):
        raise bad_input("format", "`json` or `csv`")
    province = None if staff.province_code == NATIONAL else staff.province_code
    found = trail(
        svc.tables,
        period.first,
        period.last,
        staff=who,
        action=kind,
        province_code=province,
        limit=MAX_ROWS + 1,
    )
    rows = [_row(item) for item in found]
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    if fmt == "csv":
        table = [[r[c] if c != "details" else _details(r[c]) for c in COLUMNS] for r in rows]
        return CsvFile(f"audit-{period.first.isoformat()}_{period.last.isoformat()}.csv", csv_text(COLUMNS, table))
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "entries": rows,
        "truncated": truncated,
        "actions": sorted(_ACTIONS),
    }


def _details(details: Mapping[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str) if details else ""
