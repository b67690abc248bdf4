"""A person's months of contributions, read by key: one Query on `history`, optionally a range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.store.models import HistoryModel, Tables


def months(tables: Tables, ss_code: str, first: str | None = None, last: str | None = None) -> Iterator[HistoryModel]:
    """The person's rows from `first` to `last` (`YYYY-MM`, inclusive, either open), oldest first."""
    history = tables.history
    if first and last:
        condition = history.period_unit.between(f"{first}#", f"{last}#~")
    elif first:
        condition = history.period_unit >= f"{first}#"
    elif last:
        condition = history.period_unit <= f"{last}#~"
    else:
        condition = None
    return history.query(ss_code, range_key_condition=condition)


def month_row(item: HistoryModel) -> dict[str, Any]:
    """One month as the API and the rules read it: money as int."""
    return {
        "period": item.period,
        "unit_code": item.unit_code,
        "salary_vnd": int(item.salary_vnd),
        "si_vnd": int(item.si_vnd),
        "hi_vnd": int(item.hi_vnd),
        "ui_vnd": int(item.ui_vnd),
        "status": item.status,
    }
