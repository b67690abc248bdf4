"""The console's audit trail: one item per staff action, appended, never changed or deleted.

Append-only by construction: items are only ever put, conditionally on a new key, and the API's role
may put but not update or delete (infra/access.yaml; an explicit Deny). Each item carries
`expires_at`, five years on: the table's TTL is the trail's retention. No personal data beyond the staff member and
a masked subject (a file's key; in part 2, a person's masked phone or code).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.clock import ICT, utc_iso

KEEP_YEARS = 5


class _ByStaff(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_staff"
        projection = AllProjection()

    staff = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)


class _ByAction(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_action"
        projection = AllProjection()

    action = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)


class AuditModel(Model):
    """One staff action. Key: `day` (`YYYY-MM-DD`, Hanoi), `at_id` = `<UTC time, ms>Z#<random>`, so a
    date range is one query per day, in time order. GSI `by_staff`: `staff`, `at_id`; GSI
    `by_action`: `action`, `at_id` (a range of `at_id` is a time range there too)."""

    day = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()  # UTC ISO-8601
    staff = UnicodeAttribute()  # the Cognito username
    province_code = UnicodeAttribute()  # the staff member's
    action = UnicodeAttribute()
    outcome = UnicodeAttribute()  # `ok`, or `refused` (403: another province's file, a role's limit)
    subject = UnicodeAttribute(null=True)  # masked: a file's key, never a person's data in clear
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    details = MapAttribute(null=True)  # counts before/after, upload mode, …: nothing personal
    expires_at = NumberAttribute(null=True)  # epoch seconds, KEEP_YEARS on: the table's TTL removes it then
    by_staff = _ByStaff()
    by_action = _ByAction()


class WithAudit(Protocol):
    """What this module needs of `Tables` (store/models.py, which binds AuditModel): the audit table. Named
    here so the store's modules import nothing back from models.py."""

    @property
    def audit(self) -> type[AuditModel]: ...


@dataclass(frozen=True)
class Entry:
    staff: str
    province_code: str
    action: str
    outcome: str = "ok"
    subject: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    details: dict[str, object] = field(default_factory=dict)


def at_id(moment: datetime) -> str:
    """A sort key that orders by time and never collides: UTC to the millisecond, then 12 hex digits."""
    return f"{utc_iso(moment, milliseconds=True)}#{secrets.token_hex(6)}"


def append(tables: WithAudit, entry: Entry, *, now: datetime) -> AuditModel:
    model = tables.audit
    item = model(
        now.astimezone(ICT).date().isoformat(),
        at_id(now),
        at=utc_iso(now, milliseconds=True),
        staff=entry.staff,
        province_code=entry.province_code,
        action=entry.action,
        outcome=entry.outcome,
        subject=entry.subject,
        source_ip=(entry.source_ip or "")[:64] or None,
        user_agent=(entry.user_agent or "")[:200] or None,
        details=dict(entry.details) or None,
        expires_at=int(kept_until(now).timestamp()),
    )
    item.save(condition=model.day.does_not_exist())  # never over an existing entry
    return item


def kept_until(moment: datetime) -> datetime:
    """KEEP_YEARS after `moment` (CONTRACT, Retention: the audit trail 5 years); 29 February → 28th."""
    try:
        return moment.replace(year=moment.year + KEEP_YEARS)
    except ValueError:
        return moment.replace(year=moment.year + KEEP_YEARS, day=28)


def between(tables: WithAudit, first: date, last: date) -> Iterator[AuditModel]:
    """Every entry from `first` to `last` (Hanoi days, inclusive), oldest first: one query a day."""
    day = first
    while day <= last:
        yield from tables.audit.query(day.isoformat())
        day += timedelta(days=1)


def _utc_bound(day: date) -> str:
    """The first `at_id` of a Hanoi day: its midnight in UTC, to the millisecond."""
    return utc_iso(datetime(day.year, day.month, day.day, tzinfo=ICT), milliseconds=True)


def trail(
    tables: WithAudit,
    first: date,
    last: date,
    *,
    staff: str | None = None,
    action: str | None = None,
    province_code: str | None = None,
    limit: int,
) -> Iterator[AuditModel]:
    """Entries from `first` to `last` (Hanoi days, inclusive), newest first, at most `limit`: one
    staff member's (index `by_staff`), one kind's (`by_action`), or every one (a query a day);
    `province_code` keeps the entries of that province's staff (None: all)."""
    model = tables.audit
    condition = None
    if province_code is not None:
        condition = model.province_code == province_code
    if staff is not None and action is not None:
        condition = model.action == action if condition is None else condition & (model.action == action)
    span = model.at_id.between(_utc_bound(first), _utc_bound(last + timedelta(days=1)))
    if staff is not None or action is not None:
        index = model.by_staff if staff is not None else model.by_action
        key = staff if staff is not None else action
        yield from index.query(key, span, filter_condition=condition, scan_index_forward=False, limit=limit)
        return
    left = limit
    day = last
    while day >= first and left > 0:
        for item in model.query(day.isoformat(), filter_condition=condition, scan_index_forward=False, limit=left):
            yield item
            left -= 1
        day -= timedelta(days=1)
