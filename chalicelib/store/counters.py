"""The agency's counters: one guard item per day, notice kind and measure, moved by an atomic ADD of
a stream batch's sum (notify/route.py): one write per counter a batch moves, not one per change.

Each province has its own beside them (`pcount#<province>#<day>#<template>#<measure>`, the province
of whom the notice tells), and a total per day and measure (`ptotal#<province>#<day>#<measure>`) for
national staff's breakdown by province; `pcount#seen#<province>` marks the provinces that have any.

`count#<YYYY-MM-DD>#<template>#<measure>` carries no `expires_at`, so the counts outlive the
outbox items that the TTL removes. A stream redelivery may count a change twice (at-least-once);
the figures are for the agency's overview, the outbox itself stays the record of each notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.store.conditions import write_if
from chalicelib.store.models import Tables

PREFIX = "count#"


def _key(day: str, kind: str, measure: str) -> str:
    return f"{PREFIX}{day}#{kind}#{measure}"


def add_counts(tables: Tables, sums: Mapping[tuple[str, str, str], int]) -> None:
    """Add each `(day, kind, measure)`'s amount to its counter."""
    model = tables.guard
    for (day, kind, measure), amount in sorted(sums.items()):
        if amount:
            write_if(model(_key(day, kind, measure)), [model.hits.add(amount)])


def _parse(pk: str) -> tuple[str, str, str]:
    day, kind, measure = pk.removeprefix(PREFIX).split("#", 2)
    return day, kind, measure


def read_counts(tables: Tables, days: Iterable[str], kinds: Iterable[str], measures: Iterable[str]) -> dict:
    """`{(day, kind, measure): n}` for the given days, read by key (batch gets, never a scan)."""
    keys = [_key(d, k, m) for d in days for k in kinds for m in measures]
    return {_parse(item.pk): int(item.hits or 0) for item in tables.guard.batch_get(keys)}


def all_counts(tables: Tables) -> dict:
    """Every count held: for the local report, over a small table (production reads by day)."""
    model = tables.guard
    return {_parse(item.pk): int(item.hits or 0) for item in model.scan(model.pk.startswith(PREFIX))}


P_PREFIX, T_PREFIX, SEEN = "pcount#", "ptotal#", "pcount#seen#"
ProvinceSums = Mapping[tuple[str, str, str, str], int]  # (province, day, kind, measure) → amount


def add_province_counts(tables: Tables, sums: ProvinceSums) -> None:
    """Add each `(province, day, kind, measure)`'s amount to its province's counter and total."""
    model = tables.guard
    totals: dict[tuple[str, str, str], int] = {}
    for (province, day, kind, measure), amount in sorted(sums.items()):
        if amount:
            write_if(model(f"{P_PREFIX}{province}#{day}#{kind}#{measure}"), [model.hits.add(amount)])
            totals[(province, day, measure)] = totals.get((province, day, measure), 0) + amount
    for (province, day, measure), amount in sorted(totals.items()):
        write_if(model(f"{T_PREFIX}{province}#{day}#{measure}"), [model.hits.add(amount)])
    for province in sorted({p for p, _, _ in totals}):
        write_if(model(f"{SEEN}{province}"), [model.hits.add(1)])


def read_province_counts(
    tables: Tables, province: str, days: Iterable[str], kinds: Iterable[str], measures: Iterable[str]
) -> dict:
    """`{(day, kind, measure): n}` of one province (the shape `read_counts` gives), read by key."""
    prefix = f"{P_PREFIX}{province}#"
    keys = [f"{prefix}{d}#{k}#{m}" for d in days for k in kinds for m in measures]
    return {_parse(item.pk.removeprefix(prefix)): int(item.hits or 0) for item in tables.guard.batch_get(keys)}


def provinces_seen(tables: Tables) -> list[str]:
    """The provinces with any counter: one read of the hundred possible codes."""
    keys = [f"{SEEN}{n:02d}" for n in range(100)]
    return sorted(item.pk.removeprefix(SEEN) for item in tables.guard.batch_get(keys))


def read_province_totals(
    tables: Tables, provinces: Iterable[str], days: Iterable[str], measures: Iterable[str]
) -> dict[str, dict[str, int]]:
    """`{province: {measure: n}}` summed over the days, read by key."""
    wanted, days, measures = list(provinces), list(days), list(measures)
    out = {p: dict.fromkeys(measures, 0) for p in wanted}
    keys = [f"{T_PREFIX}{p}#{d}#{m}" for p in wanted for d in days for m in measures]
    for item in tables.guard.batch_get(keys):
        province, _, measure = item.pk.removeprefix(T_PREFIX).split("#", 2)
        out[province][measure] += int(item.hits or 0)
    return out
