"""The yearly statement: on 15 January, each person's months of SI and of UI in the year before.

Pure: a person's history rows for the year in, at most one notice out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from chalicelib.domain.notices import Notice, Recipient


def statement_year(today: date) -> int:
    """The statement sent in January is about the year before."""
    return today.year - 1


def yearly_notice(ss_code: str, year: int, history: Iterable[Mapping[str, Any]]) -> Notice | None:
    """A person's statement, or None without any contributed month that year. A month counts once
    however many units paid it; a month still owed (`status` owed) is not yet earned time."""
    prefix = f"{year}-"
    si_months: set[str] = set()
    ui_months: set[str] = set()
    for row in history:
        period = str(row.get("period", ""))
        if not period.startswith(prefix) or row.get("status") != "paid":
            continue
        if int(row.get("si_vnd") or 0) > 0:
            si_months.add(period)
        if int(row.get("ui_vnd") or 0) > 0:
            ui_months.add(period)
    if not si_months and not ui_months:
        return None
    return Notice(
        template="yearly_statement",
        dedupe_key=f"yearly_statement#{ss_code}#{year}",
        recipient=Recipient("person", ss_code),
        params={"year": str(year), "si_months": str(len(si_months)), "ui_months": str(len(ui_months))},
    )
