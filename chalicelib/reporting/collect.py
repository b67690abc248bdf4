"""Reads the figures' sources: the counters in guard, and the ingest reports in S3. Flows call with
their `svc`; `all_figures` takes the parts, for the local report, which has no `Services`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain.figures import MEASURES, BatchRow, DayRow, batch_rows, day_rows
from chalicelib.domain.templates import TEMPLATES
from chalicelib.store.counters import all_counts, province_counts, province_totals, read_counts, read_shares
from chalicelib.store.models import Tables

if TYPE_CHECKING:
    from chalicelib.services import Services

REPORTS = "reports/"
DAILY = "reports/daily/"
STAGED = "reports/staged/"  # the console's checks of staged files: nothing was taken


def ingest_reports(s3: Any, bucket: str, *, since: str | None = None) -> Iterator[dict[str, Any]]:
    """Every file's report (`reports/<kind>/<name>.json`), optionally only those modified on or
    after `since` (ISO date, UTC); the daily summaries under `reports/daily/` are not file reports,
    nor are the checks of staged files under `reports/staged/`."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=REPORTS):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key.startswith((DAILY, STAGED)) or not key.endswith(".json"):
                continue
            if since is not None and obj["LastModified"].date().isoformat() < since:
                continue
            yield json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def figures_of_day(svc: Services, day: str) -> tuple[list[DayRow], list[BatchRow]]:
    """One day's figures, read by key: the daily summary's cost does not grow with the history."""
    counts = read_counts(svc.tables, [day], TEMPLATES, MEASURES)
    # S3 dates objects in UTC: a report of a Hanoi day may be written on the UTC day before
    since = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    return day_rows(counts), batch_rows(r for r in _reports(svc, since) if _day(r) == day)


def days_between(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _reports(svc: Services, since: str) -> Iterator[dict[str, Any]]:
    return ingest_reports(svc.clients.s3, svc.settings.name("ingest"), since=since)


def notices_between(svc: Services, first: date, last: date) -> list[DayRow]:
    """The notice figures from `first` to `last` (Hanoi days), read by key: days x templates x
    measures counters, 100 to a BatchGetItem call; the cost grows with the range, never the history."""
    return day_rows(read_counts(svc.tables, days_between(first, last), TEMPLATES, MEASURES))


def province_notices_between(svc: Services, province: str, first: date, last: date) -> list[DayRow]:
    """One province's notice figures from `first` to `last`: its shares of the same counters."""
    shares = read_shares(svc.tables, days_between(first, last), TEMPLATES, MEASURES)
    return day_rows(province_counts(shares, province))


def by_province(svc: Services, first: date, last: date) -> list[dict[str, Any]]:
    """Each province's totals over `first`..`last` (`00`: notices of no province), for national staff."""
    totals = province_totals(read_shares(svc.tables, days_between(first, last), TEMPLATES, MEASURES), MEASURES)
    return [{"province_code": p, **counts} for p, counts in sorted(totals.items())]


def all_figures(tables: Tables, s3: Any, bucket: str) -> tuple[list[DayRow], list[BatchRow]]:
    """Everything held (the local report)."""
    return day_rows(all_counts(tables)), batch_rows(ingest_reports(s3, bucket))


def _day(report: dict[str, Any]) -> str:
    return str(report.get("finished_at") or report.get("started_at") or "")[:10]
