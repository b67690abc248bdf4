"""One person's (or one employer's, or one phone's) notices, for the hotline: the outbox read by recipient.

Cost, at national size. The outbox is the service's hottest table: every notice is written five or
six times (put, claim, sent, receipt, …). The index it needs here, `by_recipient`, is therefore sparse
and KEYS_ONLY: DynamoDB writes a KEYS_ONLY index only when an item appears, changes its key, or goes,
not on each status change, so it adds one index write when a notice is put and one when its personal
data (with `recipient_ref`) is removed, about 100 bytes an entry, only for the days a notice is kept.
A hotline search then costs one Query a recipient (a page of keys) and one BatchGetItem of at most
100 items: a person has a handful of notices within retention.

Who a phone belongs to is read from `people`/`employers` (their `by_phone`/`by_rep_phone` indexes,
written only when a person's or employer's row changes, a few times a year), not from the outbox:
a search by phone finds the people and employers registered with it, then their notices by recipient,
and the notices addressed to the phone itself (query replies, a dossier's submitter).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.models import EmployerModel, NotificationModel, PersonModel, Tables

PER_RECIPIENT = 100  # the newest notices of one recipient; retention keeps far fewer
MAX_HOLDERS = 20  # people or employers registered with one phone (a family's shared phone, a clerk's)


@dataclass
class Holders:
    """Who a phone, a code or a unit code names: people and employers on file."""

    people: list[PersonModel] = field(default_factory=list)
    employers: list[EmployerModel] = field(default_factory=list)


def person(tables: Tables, ss_code: str) -> PersonModel | None:
    try:
        return tables.people.get(ss_code)
    except DoesNotExist:
        return None


def employer(tables: Tables, unit_code: str) -> EmployerModel | None:
    try:
        return tables.employers.get(unit_code)
    except DoesNotExist:
        return None


def phone_holders(tables: Tables, phone: str) -> Holders:
    """The people and employers whose registered phone is `phone` (E.164): two index queries (keys),
    then their items by key."""
    codes = [p.ss_code for p in tables.people.by_phone.query(phone, limit=MAX_HOLDERS)][:MAX_HOLDERS]
    units = [e.unit_code for e in tables.employers.by_rep_phone.query(phone, limit=MAX_HOLDERS)][:MAX_HOLDERS]
    return Holders(
        people=list(tables.people.batch_get(codes)) if codes else [],
        employers=list(tables.employers.batch_get(units)) if units else [],
    )


def notices_to(tables: Tables, recipients: Iterable[tuple[str, str]]) -> list[NotificationModel]:
    """The notices to each `(recipient kind, ref)` still holding their recipient, newest first."""
    wanted = set(recipients)
    model = tables.notifications
    ids: list[str] = []
    for ref in sorted({ref for _, ref in wanted}):
        ids.extend(hit.id for hit in model.by_recipient.query(ref, scan_index_forward=False, limit=PER_RECIPIENT))
    found = list(model.batch_get(sorted(set(ids)))) if ids else []
    # a unit code may look like an ss_code or a phone: the kind decides whose notice it is
    mine = [n for n in found if (n.recipient_kind, n.recipient_ref) in wanted]
    return sorted(mine, key=lambda n: (n.created_at, n.id), reverse=True)


def get_notice(tables: Tables, notice_id: str) -> NotificationModel | None:
    try:
        return tables.notifications.get(notice_id, consistent_read=True)
    except DoesNotExist:
        return None
