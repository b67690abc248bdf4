"""Every notice enters the outbox here, once: a conditional put on its dedupe key."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.domain.clock import Clock
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.quiet_hours import release_time
from chalicelib.notify.retention import already_told, dedupe_hash_key, expires_at, mark_told, marker_id
from chalicelib.services import services
from chalicelib.store.models import NotificationModel, Tables

logger = Logger(child=True)


def log_ref(notice_id: str) -> str:
    """How logs name a notice: its template and a digest of its id, which may hold an ss_code,
    a card number or a phone (`voluntary_due#0110129425#2026-12` → `voluntary_due#5c1f…`)."""
    template = notice_id.split("#", 1)[0]
    return f"{template}#{hashlib.sha256(notice_id.encode()).hexdigest()[:16]}"


def utc_iso(moment: datetime) -> str:
    """The outbox's sortable time: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def enqueue(notice: Notice, *, tables: Tables, clock: Clock, source: str | None = None) -> str | None:
    """Write the notice to the outbox; returns its status, or None when it was already there.
    `source` is the correlation id the notice's logs carry from here to its receipt."""
    if notice.recipient.kind == "unit_employees":
        raise ValueError("a group notice is enqueued through enqueue_all, which expands it")
    now = clock()
    settings = services().settings
    marker = marker_id(notice.dedupe_key, dedupe_hash_key(settings))
    if already_told(tables, marker):  # told before, and its outbox item has since expired
        logger.debug("notice told before", notice=log_ref(notice.dedupe_key))
        return None
    phone = resolve_phone(notice.recipient, tables)
    release = None if notice.urgent else release_time(now)
    if phone is None:
        status = "unreachable"
    elif release is not None:
        status = "held"
    else:
        status = "created"
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
        expires_at=expires_at(now, settings.personal_data_days),
        source=source,
        batch=batch_of(source),
    )
    try:
        item.save(condition=tables.notifications.id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            logger.debug("notice already in outbox", notice=log_ref(notice.dedupe_key))
            mark_told(tables, marker)  # a crash after the put left it unmarked: mend it
            return None
        raise
    mark_told(tables, marker)
    logger.info("notice queued", notice=log_ref(notice.dedupe_key), template=notice.template, status=status)
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


def enqueue_all(notices: Iterable[Notice], *, tables: Tables, clock: Clock, source: str | None = None) -> int:
    """Enqueue every notice, groups expanded; returns how many were new to the outbox."""
    return sum(
        enqueue(one, tables=tables, clock=clock, source=source) is not None
        for n in notices
        for one in expand(n, tables)
    )
