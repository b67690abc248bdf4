"""Months of participation: what `BH QT`, `/v1/me/contributions` and the yearly statement all count.

A month counts towards SI (or UI) when it is paid and has an SI (UI) share; a month still owed is not
yet earned time. Two units in one month count that month once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Participation:
    si_months: int
    ui_months: int
    owed_months: int


def participation(rows: Iterable[Mapping[str, Any]], start: str | None = None, end: str | None = None) -> Participation:
    """Count distinct months (`YYYY-MM`) of history rows, within `start`..`end` when given."""
    si: set[str] = set()
    ui: set[str] = set()
    owed: set[str] = set()
    for row in rows:
        period = str(row.get("period", ""))
        if (start and period < start) or (end and period > end):
            continue
        if row.get("status") != "paid":
            if row.get("status") == "owed":
                owed.add(period)
            continue
        if int(row.get("si_vnd") or 0) > 0:
            si.add(period)
        if int(row.get("ui_vnd") or 0) > 0:
            ui.add(period)
    return Participation(len(si), len(ui), len(owed))
