"""The agency's counters: one guard item per day, notice kind and measure, moved by an atomic ADD of
a stream batch's sum (notify/route.py): one write per counter a batch moves, not one per change.

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
