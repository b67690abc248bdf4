"""The agency's counters: one guard item per day, notice kind and measure, moved by an atomic ADD of
a stream batch's sum (notify/route.py): one write per counter a batch moves, not one per change.

Each province's share is in the same item, a number attribute `p<province>` (`p40`) moved by the
same UpdateItem (ADD takes top-level attributes only): the province of whom the notice tells. So a
province's figures cost no write more and the same reads, and national staff's breakdown by province
is read with the national counters themselves.

`count#<YYYY-MM-DD>#<template>#<measure>` carries no `expires_at`, so the counts outlive the
outbox items that the TTL removes. A stream redelivery may count a change twice (at-least-once);
the figures are for the agency's overview, the outbox itself stays the record of each notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pynamodb.attributes import NumberAttribute

from chalicelib.store.conditions import write_if
from chalicelib.store.models import Tables

PREFIX = "count#"
SHARE = "p"  # `p40`: province 40's share of a counter
ProvinceSums = Mapping[tuple[str, str, str, str], int]  # (province, day, kind, measure) → amount
_PROVINCE = re.compile(r"^\d{2}$", re.ASCII)
READ_BATCH = 100  # BatchGetItem's limit
MAX_ATTEMPTS = 10


def _key(day: str, kind: str, measure: str) -> str:
    return f"{PREFIX}{day}#{kind}#{measure}"


def add_counts(tables: Tables, sums: Mapping[tuple[str, str, str], int], provinces: ProvinceSums | None = None) -> None:
    """Add each `(day, kind, measure)`'s amount to its counter, and each province's share
    (`provinces`: `(province, day, kind, measure)` → amount) to that counter's `p<province>`."""
    model = tables.guard
    shares: dict[tuple[str, str, str], list[tuple[str, int]]] = {}
    for (province, day, kind, measure), amount in sorted((provinces or {}).items()):
        if amount and _PROVINCE.match(province):
            shares.setdefault((day, kind, measure), []).append((province, amount))
    for (day, kind, measure), amount in sorted(sums.items()):
        if amount:
            actions = [model.hits.add(amount)]
            actions += [_share(p).add(n) for p, n in shares.get((day, kind, measure), [])]
            write_if(model(_key(day, kind, measure)), actions)


def _share(province: str) -> NumberAttribute:
    """The counter item's attribute for one province's share (not declared: any of the codes)."""
    return NumberAttribute(attr_name=f"{SHARE}{province}")


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


def read_shares(
    tables: Tables, days: Iterable[str], kinds: Iterable[str], measures: Iterable[str]
) -> dict[tuple[str, str, str], dict[str, int]]:
    """`{(day, kind, measure): {province: n}}`: each counter's shares by province, read by key
    (the counters' own keys, 100 a BatchGetItem, through the table's low-level connection: the
    shares are attributes the model does not declare)."""
    connection = tables.guard._get_connection()
    keys = [{"pk": _key(d, k, m)} for d in days for k in kinds for m in measures]
    out: dict[tuple[str, str, str], dict[str, int]] = {}
    for at in range(0, len(keys), READ_BATCH):
        pending = keys[at : at + READ_BATCH]
        for _attempt in range(MAX_ATTEMPTS):
            answer = connection.batch_get_item(pending)
            for item in answer.get("Responses", {}).get(tables.guard.Meta.table_name, []):
                shares = {
                    name.removeprefix(SHARE): int(value["N"])
                    for name, value in item.items()
                    if name.startswith(SHARE) and _PROVINCE.match(name.removeprefix(SHARE))
                }
                if shares:
                    out[_parse(item["pk"]["S"])] = shares
            unprocessed = answer.get("UnprocessedKeys", {}).get(tables.guard.Meta.table_name, {})
            pending = [{"pk": k["pk"]["S"]} for k in unprocessed.get("Keys", [])]
            if not pending:
                break
    return out


def province_counts(shares: Mapping[tuple[str, str, str], Mapping[str, int]], province: str) -> dict:
    """One province's counts in the shape `read_counts` gives."""
    return {key: by[province] for key, by in shares.items() if by.get(province)}


def province_totals(
    shares: Mapping[tuple[str, str, str], Mapping[str, int]], measures: Iterable[str]
) -> dict[str, dict[str, int]]:
    """`{province: {measure: n}}` summed over days and kinds."""
    wanted = list(measures)
    out: dict[str, dict[str, int]] = {}
    for (_day, _kind, measure), by in shares.items():
        for province, n in by.items():
            out.setdefault(province, dict.fromkeys(wanted, 0))[measure] += n
    return out
