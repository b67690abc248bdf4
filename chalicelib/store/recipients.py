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

Old phones: a people file that moves a person's phone writes a `phone_change#<ss_code>#…` fact with
the old phone, and the old phone is told (`phone_changed`). Who a phone used to belong to is read
from the ledger's sparse KEYS_ONLY index `by_old_phone` (one entry per phone change); a person's old
phones from their facts (`by_person`, `phone_change#` keys).

Paging: a recipient's notice ids come from the index alone (keys, up to `MAX_PER_RECIPIENT`); the
hotline then reads the few attributes that decide whose a notice is (`WHOSE`) for all of them, and
whole items for the page shown only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.models import EmployerModel, NotificationModel, PersonModel, Tables

PER_RECIPIENT = 100  # the newest notices of one recipient; retention keeps far fewer
MAX_PER_RECIPIENT = 5000  # the hotline's paged search: an employer's notices within retention, bounded
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


def former_holders(tables: Tables, phone: str) -> list[PersonModel]:
    """The people whose registered phone was `phone` until a people file moved it (`by_old_phone`)."""
    pks = [hit.pk for hit in tables.ledger.by_old_phone.query(phone, limit=MAX_HOLDERS)][:MAX_HOLDERS]
    codes = sorted({pk.split("#")[1] for pk in pks if pk.count("#") >= 2})
    return list(tables.people.batch_get(codes)) if codes else []


def old_phones(tables: Tables, ss_code: str) -> list[str]:
    """The phones a person had before, from their `phone_change` facts (`by_person`)."""
    model = tables.ledger
    facts = [hit.facts_dict() for hit in model.by_person.query(ss_code, model.pk.startswith("phone_change#"))]
    return sorted({str(f["old_phone"]) for f in facts if f.get("old_phone")})


WHOSE = ["id", "recipient_kind", "recipient_ref", "phone", "template", "created_at"]


def notice_ids_to(tables: Tables, refs: Iterable[str]) -> tuple[list[str], bool]:
    """The ids of every notice kept to each ref (a phone, an ss_code, a unit code), from the
    KEYS_ONLY index alone; and whether a ref had more than `MAX_PER_RECIPIENT` (the rest not read)."""
    index, ids, truncated = tables.notifications.by_recipient, set(), False
    for ref in sorted(set(refs)):
        hits = [hit.id for hit in index.query(ref, scan_index_forward=False, limit=MAX_PER_RECIPIENT + 1)]
        truncated |= len(hits) > MAX_PER_RECIPIENT
        ids.update(hits[:MAX_PER_RECIPIENT])
    return sorted(ids), truncated


def notices_by_id(tables: Tables, ids: Iterable[str], attributes: list[str] | None = None) -> list[NotificationModel]:
    """Notices by key (BatchGetItem, 100 a call), whole or only `attributes`; gone ones left out."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(tables.notifications.batch_get(wanted, attributes_to_get=attributes))


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
