"""The yearly statement: on 15 January, each person's months of SI and of UI in the year before.

Pure: a person's history rows for the year in, at most one notice out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.participation import participation


def statement_year(today: date) -> int:
    """The statement sent in January is about the year before."""
    return today.year - 1


def yearly_notice(ss_code: str, year: int, history: Iterable[Mapping[str, Any]]) -> Notice | None:
    """A person's statement, or None without any contributed month that year (domain/participation.py
    says which months count)."""
    months = participation(history, f"{year}-01", f"{year}-12")
    if not months.si_months and not months.ui_months:
        return None
    return Notice(
        template="yearly_statement",
        dedupe_key=f"yearly_statement#{ss_code}#{year}",
        recipient=Recipient("person", ss_code),
        params={"year": str(year), "si_months": str(months.si_months), "ui_months": str(months.ui_months)},
    )
