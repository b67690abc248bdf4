"""The agency's figures, pure: which counters a notice's status change moves, and how the counts
and the batch files' reports become rows, a table and the daily summary's JSON.

A notice kind is its template. Each measure counts notices entering a state once per change:
`created` (every notice the outbox took), `sent` (SNS accepted it), `delivered` (the carrier's
receipt), `failed` (a final failure: permanent, or technical after the retries), `opted_out` (the
phone opted out), `unreachable` (no phone on file), `cancelled` (its batch was stopped, or its
personal data expired before it could go), `no_receipt` (sent, and no receipt within 72 hours). A
temporary failure is not yet a failure: the 15-minute job retries it, and it is counted when it ends.
Two sums come from the delivery receipts, the agency's real bill: `parts` (message parts the carrier
took) and `spend_musd` (SNS's price, in millionths of a US dollar).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.clock import ICT
from chalicelib.domain.receipts import MICRO
from chalicelib.domain.status import NO_RECEIPT, Status

NOTICE_MEASURES: tuple[str, ...] = (
    "created",
    "sent",
    "delivered",
    "failed",
    "opted_out",
    "unreachable",
    "cancelled",
    "no_receipt",
)
SPEND_MEASURES: tuple[str, ...] = ("parts", "spend_musd")
MEASURES: tuple[str, ...] = NOTICE_MEASURES + SPEND_MEASURES
_ENTERED: dict[Status, str] = {
    Status.SENT: "sent",
    Status.DELIVERED: "delivered",
    Status.PERMANENT_FAILURE: "failed",
    Status.TECHNICAL_FAILURE: "failed",
    Status.OPTED_OUT: "opted_out",
    Status.UNREACHABLE: "unreachable",
    Status.CANCELLED: "cancelled",
}


def measures_of(
    old_status: str | None, new_status: str | None, *, inserted: bool, reason: str | None = None
) -> list[str]:
    """The measures one outbox change moves (an insert is `created`, plus the state it starts in)."""
    if new_status is None:
        return []  # the TTL's removal, or a delete: nothing happened to the notice
    moved = ["created"] if inserted else []
    if new_status != old_status and new_status in _ENTERED:
        moved.append(_ENTERED[Status(new_status)])
    elif new_status != old_status and new_status == Status.TEMPORARY_FAILURE and reason == NO_RECEIPT:
        moved.append("no_receipt")
    return moved


def change_counts(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, int]:
    """What one outbox change adds to its day's counters, sums included: the first receipt applied to
    a notice brings its parts (the carrier's count, else the parts it was sent in) and its price."""
    if not new or new.get("stripped_at"):
        return {}  # a removal, or what stays of a notice whose personal data expired: nothing happened
    old = old or {}
    moved = dict.fromkeys(
        measures_of(old.get("status"), new.get("status"), inserted=not old, reason=new.get("reason")), 1
    )
    if new.get("receipt_at") and not old.get("receipt_at"):
        parts = int(new.get("parts") or 0)
        if parts:
            moved["parts"] = parts
        price = new.get("price_usd")
        if price is not None:
            moved["spend_musd"] = int((Decimal(str(price)) * MICRO).to_integral_value())
    return moved


def ict_day(utc_iso: str) -> str:
    """The Hanoi day (`YYYY-MM-DD`) of an outbox time (`2026-11-25T17:30:00Z` → `2026-11-26`)."""
    moment = datetime.strptime(utc_iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(ICT).date().isoformat()


@dataclass(frozen=True)
class DayRow:
    day: str
    kind: str
    counts: tuple[int, ...]  # in MEASURES order


@dataclass(frozen=True)
class BatchRow:
    file: str
    kind: str
    status: str
    taken: int
    rejected: int


def day_rows(counts: Mapping[tuple[str, str, str], int]) -> list[DayRow]:
    """`{(day, kind, measure): n}` → one row per day and kind, in day then kind order."""
    pairs = sorted({(day, kind) for day, kind, _ in counts})
    return [DayRow(day, kind, tuple(int(counts.get((day, kind, m), 0)) for m in MEASURES)) for day, kind in pairs]


def batch_rows(reports: Iterable[Mapping[str, Any]]) -> list[BatchRow]:
    """The ingest reports (`reports/<kind>/<name>.json`) → one row per file, by file name."""
    rows = [
        BatchRow(
            file=str(r.get("file", "")),
            kind=str(r.get("kind", "")),
            status=str(r.get("status", "")),
            taken=int(r.get("accepted", 0)),
            rejected=int(r.get("rejected", 0)),
        )
        for r in reports
    ]
    return sorted(rows, key=lambda row: row.file)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned."""
    rows_list = [list(row) for row in rows]
    numeric = [bool(rows_list) and all(isinstance(row[i], int) for row in rows_list) for i in range(len(headers))]
    body = [[str(cell) for cell in row] for row in rows_list]
    widths = [max([len(h), *(len(row[i]) for row in body)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in body)])


def day_table(rows: Sequence[DayRow]) -> str:
    return format_table(["day", "kind", *MEASURES], [[r.day, r.kind, *r.counts] for r in rows])


def batch_table(rows: Sequence[BatchRow]) -> str:
    return format_table(
        ["file", "kind", "status", "taken", "rejected"], [[r.file, r.kind, r.status, r.taken, r.rejected] for r in rows]
    )


def summary(day: str, days: Sequence[DayRow], batches: Sequence[BatchRow]) -> dict[str, Any]:
    """The daily summary's JSON (`reports/daily/<day>.json`): the same figures as the table."""
    return {
        "day": day,
        "notices": [{"day": r.day, "kind": r.kind, **dict(zip(MEASURES, r.counts, strict=True))} for r in days],
        "batches": [
            {"file": b.file, "kind": b.kind, "status": b.status, "taken": b.taken, "rejected": b.rejected}
            for b in batches
        ],
        "totals": {m: sum(r.counts[i] for r in days) for i, m in enumerate(MEASURES)}
        | {"taken": sum(b.taken for b in batches), "rejected": sum(b.rejected for b in batches)},
    }


def day_dicts(rows: Sequence[DayRow]) -> list[dict[str, Any]]:
    """One object per day and kind (template), its measures by name: the console's JSON."""
    return [{"day": r.day, "template": r.kind, **dict(zip(MEASURES, r.counts, strict=True))} for r in rows]


def per_day(rows: Sequence[DayRow], days: Sequence[str]) -> list[dict[str, Any]]:
    """Every kind summed per day, for each of `days` (a day with nothing is zeros), in their order:
    what the console's chart draws."""
    sums: dict[str, list[int]] = {day: [0] * len(MEASURES) for day in days}
    for r in rows:
        if r.day in sums:
            for i, n in enumerate(r.counts):
                sums[r.day][i] += n
    return [{"day": day, **dict(zip(MEASURES, sums[day], strict=True))} for day in days]


def totals(rows: Sequence[DayRow]) -> dict[str, int]:
    return {m: sum(r.counts[i] for r in rows) for i, m in enumerate(MEASURES)}
