"""Every notice enters the outbox here, once: a conditional put on its dedupe key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.clock import utc_iso
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.privacy import notice_ref
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.status import Status
from chalicelib.notify.retention import already_told, expires_at, mark_told, marker_id
from chalicelib.services import Services
from chalicelib.store.conditions import save_if
from chalicelib.store.models import NotificationModel, Tables

logger = Logger(child=True)


def batch_of(source: str | None) -> str | None:
    """The batch file a fact's correlation id names (`incoming/<kind>/<name>.csv#<line>`), if any."""
    if not source or not source.startswith("incoming/"):
        return None
    return source.rsplit("#", 1)[0]


def resolve_phone(recipient: Recipient, tables: Tables) -> str | None:
    """The registered phone of a recipient, or None when there is none on file."""
    if recipient.kind == "phone":
        return recipient.ref
    try:
        if recipient.kind == "employer":
            return tables.employers.get(recipient.ref).rep_phone
        return tables.people.get(recipient.ref).phone
    except DoesNotExist:
        return None


def enqueue(svc: Services, notice: Notice, *, source: str | None = None) -> Status | None:
    """Write the notice to the outbox; returns its status, or None when it was already there.
    `source` is the correlation id the notice's logs carry from here to its receipt."""
    if notice.recipient.kind == "unit_employees":
        raise ValueError("a group notice is enqueued through enqueue_all, which expands it")
    tables = svc.tables
    now = svc.clock()
    marker = marker_id(notice.dedupe_key, svc.dedupe_key())
    if already_told(tables, marker):  # told before, and its outbox item has since expired
        logger.debug("notice told before", notice=notice_ref(notice.dedupe_key))
        return None
    phone = resolve_phone(notice.recipient, tables)
    release = None if notice.urgent else release_time(now)
    if phone is None:
        status = Status.UNREACHABLE
    elif release is not None:
        status = Status.HELD
    else:
        status = Status.CREATED
    item: NotificationModel = tables.notifications(
        id=notice.dedupe_key,
        template=notice.template,
        params=dict(notice.params),
        recipient_kind=notice.recipient.kind,
        recipient_ref=notice.recipient.ref,
        phone=phone,
        status=status,
        urgent=notice.urgent,
        created_at=utc_iso(now),
        send_after=utc_iso(release or now),
        expires_at=expires_at(now, svc.settings.personal_data_days),
        source=source,
        batch=batch_of(source),
    )
    told_until = item.expires_at if notice.urgent else None  # a request's answer: nothing kept for good
    if not save_if(item, tables.notifications.id.does_not_exist()):
        logger.debug("notice already in outbox", notice=notice_ref(notice.dedupe_key))
        mark_told(tables, marker, expires=told_until)  # a crash after the put left it unmarked: mend it
        return None
    mark_told(tables, marker, expires=told_until)
    logger.info("notice queued", notice=notice_ref(notice.dedupe_key), template=notice.template, status=status)
    return status


def expand(notice: Notice, tables: Tables) -> Iterator[Notice]:
    """A notice to a group becomes one notice per member: `unit_employees` is every employee of
    the unit (people's `by_unit` index) with a registered phone, each under its own dedupe key."""
    if notice.recipient.kind != "unit_employees":
        yield notice
        return
    people = tables.people
    keys = [p.ss_code for p in people.by_unit.query(notice.recipient.ref)]
    for person in people.batch_get(keys):
        if person.phone:
            yield replace(
                notice,
                dedupe_key=f"{notice.dedupe_key}#{person.ss_code}",
                recipient=Recipient("person", person.ss_code),
            )


def enqueue_all(svc: Services, notices: Iterable[Notice], *, source: str | None = None) -> int:
    """Enqueue every notice, groups expanded; returns how many were new to the outbox."""
    return sum(enqueue(svc, one, source=source) is not None for n in notices for one in expand(n, svc.tables))
