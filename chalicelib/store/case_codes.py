"""The sequence behind a case's readable code (domain/flags.case_code): one guard item per province and
month, `casecode#<province>#<yymm>`, moved by an atomic ADD that answers the new number. Two flags at
once get two numbers; a number taken by a flag that then finds its case already there is skipped
(a gap, never a duplicate). The items stay (no `expires_at`): a month's numbers never start again."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.flags import case_code, case_code_month
from chalicelib.store.models import Tables

PREFIX = "casecode#"


def next_case_code(tables: Tables, province: str, at: datetime) -> str:
    """Take the next number of the province's month and answer the code it makes."""
    model = tables.guard
    item = model(f"{PREFIX}{case_code_month(province, at)}")
    item.update(actions=[model.hits.add(1)])  # UpdateItem, ReturnValues ALL_NEW: the number just taken
    return case_code(province, at, int(item.hits or 0))
