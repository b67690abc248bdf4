"""Every notice enters the outbox here, once: a conditional put on its key, the keyed hash of its
dedupe key (notify/retention.py). The item stays for good (its personal data expires), so the put
alone keeps a fact told at most once: no second item is read or written per notice.

An urgent notice (an OTP, a query reply) is also put on the urgent lane's queue by its writer, right
after the put: the outbox stream's `route` queues it again when it reads the insert, but the stream
is read in order and, behind a bulk backlog's status changes, that may be minutes. The second
message is harmless (the sender's claim sends a notice once); the stream stays the backstop when the
direct send fails."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist

from chalicelib.aws.lanes import LaneMessage
from chalicelib.aws.queues import NotQueued
from chalicelib.domain.clock import utc_iso
from chalicelib.domain.lanes import Lane
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.status import Status
from chalicelib.notify.retention import expires_at, notice_id
from chalicelib.services import Services
from chalicelib.store.models import NotificationModel, Tables
from chalicelib.store.outbox import put_new

logger = Logger(child=True)

Phones = Mapping[Recipient, str | None]


def batch_of(source: str | None) -> str | None:
    """The batch (one upload of a file: store/batches.batch_key) a fact's correlation id names
    (`incoming/<kind>/<name>.csv?versionId=<version>#<line>`), if any."""
    if not source or not source.startswith("incoming/"):
        return None
    return source.rsplit("#", 1)[0]


def resolve_phones(recipients: Iterable[Recipient], tables: Tables) -> dict[Recipient, str | None]:
    """The registered phones of many recipients, read together (one BatchGetItem per 100 a table):
    a stream batch's notices cost one read, not one each. None where there is none on file."""
    wanted = set(recipients)
    found: dict[Recipient, str | None] = {r: r.ref for r in wanted if r.kind == "phone"}
    people = sorted({r.ref for r in wanted if r.kind == "person"})
    employers = sorted({r.ref for r in wanted if r.kind == "employer"})
    if people:
        attrs = ["ss_code", "phone"]
        found |= {
            Recipient("person", p.ss_code): p.phone for p in tables.people.batch_get(people, attributes_to_get=attrs)
        }
    if employers:
        attrs = ["unit_code", "rep_phone"]
        got = tables.employers.batch_get(employers, attributes_to_get=attrs)
        found |= {Recipient("employer", e.unit_code): e.rep_phone for e in got}
    return {r: found.get(r) for r in wanted}


def resolve_phone(recipient: Recipient, tables: Tables) -> str | None:
    """The registered phone of one recipient (one read by key: an OTP, a reply), or None when there
    is none on file."""
    if recipient.kind == "phone":
        return recipient.ref
    try:
        if recipient.kind == "employer":
            return tables.employers.get(recipient.ref).rep_phone
        return tables.people.get(recipient.ref).phone
    except DoesNotExist:
        return None


def enqueue(svc: Services, notice: Notice, *, source: str | None = None, phones: Phones | None = None) -> Status | None:
    """Write the notice to the outbox; returns its status, or None when it was already there (told).
    `source` is the correlation id the notice's logs carry from here to its receipt; `phones` the
    recipients' phones when the caller read them together (resolve_phones)."""
    if notice.recipient.kind == "unit_employees":
        raise ValueError("a group notice is enqueued through enqueue_all, which expands it")
    tables = svc.tables
    now = svc.clock()
    key = notice_id(notice.dedupe_key, svc.dedupe_hash_key())
    if phones is not None and notice.recipient in phones:
        phone = phones[notice.recipient]
    else:
        phone = resolve_phone(notice.recipient, tables)
    release = None if notice.urgent else release_time(now)
    if phone is None:
        status = Status.UNREACHABLE
    elif release is not None:
        status = Status.HELD
    else:
        status = Status.CREATED
    item: NotificationModel = tables.notifications(
        id=key,
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
    if not put_new(tables, item):
        logger.debug("notice told before", notice=key)
        return None
    logger.info("notice queued", notice=key, template=notice.template, status=status)
    if notice.urgent and status == Status.CREATED:
        _to_urgent_lane(svc, key)
    return status


def _to_urgent_lane(svc: Services, key: str) -> None:
    """Queue an urgent notice now, not when the stream gets to it; on failure the stream still will."""
    try:
        svc.lanes.send(Lane.URGENT, [LaneMessage(key)])
    except (BotoCoreError, ClientError, NotQueued) as exc:
        logger.warning("urgent notice left to the outbox stream", notice=key, error=type(exc).__name__)


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


def enqueue_all(
    svc: Services, notices: Iterable[Notice], *, source: str | None = None, phones: Phones | None = None
) -> int:
    """Enqueue every notice, groups expanded; returns how many were new to the outbox."""
    expanded = [one for n in notices for one in expand(n, svc.tables)]
    missing = [n.recipient for n in expanded if phones is None or n.recipient not in phones]
    if missing:
        phones = {**(phones or {}), **resolve_phones(missing, svc.tables)}
    return sum(enqueue(svc, one, source=source, phones=phones) is not None for one in expanded)
