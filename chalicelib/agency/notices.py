"""The hotline's view of one person: their notices, what became of each and why, whether their phone
opted out; and a failed notice sent again. Support staff only, and only for people and employers of
their province (national staff: all).

A search names one subject: a phone, an ss_code or a unit code. Who it names is read first
(`people`/`employers`), so the province is known before any notice is read; then their notices by
recipient (store/recipients.py). The audit trail gets the subject masked to its last three characters.

Old phones (CONTRACT: "old phones too"): a phone no one has now may be a person's old phone, the one
told `phone_changed`. A search by it finds the people it used to belong to (`by_old_phone`): their
notices sent to that phone (before the change, and the `phone_changed` itself), not those sent since
to their new phone. A search by ss_code also shows the `phone_changed` notices sent to their old
phones. The answer is paged (`page=`, 100 a page, newest first) with the total said.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist

from chalicelib.agency.identity import Unfound, hidden
from chalicelib.agency.paging import read_page, said, window
from chalicelib.domain import identifiers
from chalicelib.domain.clock import utc_iso
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.notice_words import explain
from chalicelib.domain.phones import mask_phone, normalize_mobile
from chalicelib.domain.privacy import mask_code, notice_ref
from chalicelib.domain.staff import Staff
from chalicelib.domain.status import MAYBE_SENT, NO_RECEIPT, RESENDABLE, Status
from chalicelib.notify.sender import MAX_ATTEMPTS
from chalicelib.services import Services
from chalicelib.store.guard import is_opted_out
from chalicelib.store.models import NotificationModel
from chalicelib.store.outbox import resend as store_resend
from chalicelib.store.recipients import (
    WHOSE,
    employer,
    former_holders,
    get_notice,
    notice_ids_to,
    notices_by_id,
    old_phones,
    person,
    phone_holders,
)
from chalicelib.web.errors import ApiError, bad_input, conflict
from chalicelib.web.limits import Limit, enforce

logger = Logger(child=True)

MAX_PARAM_CHARS = 40  # the longest phone as typed (`+84 (912) 345-678`, with spaces) fits; more is not a subject
MAX_ID_CHARS = 200
RESENT = "resent from the console"
RESENDS_PER_HOUR = Limit(allowed=30, window_s=3600)  # a support member's resends (CONTRACT)
RESEND_AGAIN_AFTER_S = 24 * 3600  # a notice is sent again from the console once a day at most
_SUBJECTS = ("phone", "ss_code", "unit_code")
PHONE_CHANGED = "phone_changed"
Keep = Callable[[NotificationModel], bool] | None  # which of a recipient's notices are the subject's; None: all
Wanted = dict[tuple[str, str], Keep]


@dataclass(frozen=True)
class Subject:
    kind: str  # phone | ss_code | unit_code
    value: str  # E.164, or the code upper-cased

    @property
    def masked(self) -> str:
        return mask_phone(self.value) if self.kind == "phone" else mask_code(self.value)

    @property
    def audited(self) -> str:
        """What the audit trail keeps: the kind and the masked value (`phone ********678`)."""
        return f"{self.kind} {self.masked}"


_PARSERS: dict[str, Callable[[str], str]] = {
    "phone": normalize_mobile,
    "ss_code": identifiers.ss_code,
    "unit_code": identifiers.unit_code,
}


def read_subject(query: Mapping[str, str]) -> Subject:
    """Exactly one of `phone`, `ss_code`, `unit_code`, well formed; else a 400 naming it."""
    given = [name for name in _SUBJECTS if query.get(name)]
    if len(given) != 1:
        raise bad_input("phone", "give exactly one of phone, ss_code or unit_code")
    [name] = given
    raw = query[name]
    if len(raw) > MAX_PARAM_CHARS:
        raise bad_input(name, f"at most {MAX_PARAM_CHARS} characters")
    try:
        return Subject(name, _PARSERS[name](raw))
    except InvalidValue as exc:
        raise bad_input(name, str(exc)) from None


def _recipients(svc: Services, staff: Staff, subject: Subject) -> tuple[Wanted, str | None, dict]:
    """Whose notices the subject names, within the staff member's province: (recipients, each with
    which of its notices are the subject's; the phone to check for opt-out; who was found). 404 for
    no one on file, and the same 404 for someone of another province (audited as refused): no answer
    tells who is on file elsewhere."""
    tables = svc.tables
    if subject.kind == "ss_code":
        found = person(tables, subject.value)
        absent = Unfound("no person on file with this ss_code", subject.audited)
        if found is None:
            raise absent
        if not staff.sees(found.province_code):
            raise hidden(absent, subject.audited)
        wanted: Wanted = {("person", found.ss_code): None}
        if found.phone:
            wanted[("phone", found.phone)] = None
        for old in old_phones(tables, found.ss_code):  # the `phone_changed` told to each old phone
            wanted.setdefault(("phone", old), _template_is(PHONE_CHANGED))
        return wanted, found.phone, {"people": [_who(found.ss_code, found.province_code)], "employers": []}
    if subject.kind == "unit_code":
        unit = employer(tables, subject.value)
        absent = Unfound("no employer on file with this unit_code", subject.audited)
        if unit is None:
            raise absent
        if not staff.sees(unit.province_code):
            raise hidden(absent, subject.audited)
        wanted = {("employer", unit.unit_code): None}
        if unit.rep_phone:
            wanted[("phone", unit.rep_phone)] = None
        return wanted, unit.rep_phone, {"people": [], "employers": [_who(unit.unit_code, unit.province_code)]}
    holders = phone_holders(tables, subject.value)
    former_all = [p for p in former_holders(tables, subject.value) if p.phone != subject.value]
    people = [p for p in holders.people if staff.sees(p.province_code)]
    units = [e for e in holders.employers if staff.sees(e.province_code)]
    former = [p for p in former_all if staff.sees(p.province_code)]
    absent = Unfound("no person or employer on file with this phone", subject.audited)
    if holders.people or holders.employers or former_all:
        if not (people or units or former):
            raise hidden(absent, subject.audited)
    elif not staff.sees(None):  # a phone registered to no one: only national staff read its notices
        raise absent
    wanted = {("person", p.ss_code): _sent_to(subject.value) for p in former}
    wanted.update({("person", p.ss_code): None for p in people})
    wanted.update({("employer", e.unit_code): None for e in units})
    wanted[("phone", subject.value)] = None
    found = {
        "people": [_who(p.ss_code, p.province_code) for p in people],
        "employers": [_who(e.unit_code, e.province_code) for e in units],
        "former_people": [_who(p.ss_code, p.province_code) for p in former],
    }
    return wanted, subject.value, found


def _sent_to(phone: str) -> Keep:
    """A former holder's notices that went to this phone (before it moved), not to their new one."""
    return lambda n: n.phone == phone


def _template_is(template: str) -> Keep:
    return lambda n: n.template == template


def _theirs(wanted: Wanted, item: NotificationModel) -> bool:
    """Whether a notice found by ref is the subject's: its kind too (a unit code may look like an
    ss_code or a phone), and what its recipient's rule keeps."""
    key = (item.recipient_kind or "", item.recipient_ref or "")
    if key not in wanted:
        return False
    keep = wanted[key]
    return keep is None or keep(item)


def _who(code: str, province: str | None) -> dict[str, Any]:
    return {"masked_code": mask_code(code), "province_code": province}


def _opt_out(svc: Services, phone: str | None) -> dict[str, Any]:
    """Both lists: the service's own (`BH HUY`) and SNS's (None when SNS could not be asked)."""
    if not phone:
        return {"phone": None, "service": False, "sns": False}
    try:
        sns: bool | None = svc.sms.is_opted_out(phone)
    except (ClientError, BotoCoreError) as exc:
        logger.warning("opt-out check failed", error=type(exc).__name__)
        sns = None
    return {"phone": mask_phone(phone), "service": is_opted_out(svc.tables, phone), "sns": sns}


def _view(item: NotificationModel) -> dict[str, Any]:
    status = str(item.status)
    delivered = item.receipt_at if status == Status.DELIVERED else None
    return {
        "id": item.id,
        "template": item.template,
        "status": status,
        "reason": explain(status, item.reason).as_dict(),
        "reason_code": item.reason,
        "created_at": item.created_at,
        "sent_at": item.sent_at,
        "delivered_at": delivered,
        "carrier": item.carrier,
        "parts": int(item.parts) if item.parts is not None else None,
        "phone": mask_phone(item.phone) if item.phone else None,
        "recipient": {"kind": item.recipient_kind, "masked": _masked_ref(item)},
        "batch": item.batch,
        "can_resend": refusal(item) is None,
    }


def _masked_ref(item: NotificationModel) -> str:
    ref = item.recipient_ref or ""
    return mask_phone(ref) if item.recipient_kind == "phone" else mask_code(ref)


def search(svc: Services, staff: Staff, query: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """Every notice within retention to the subject, newest first, a page of 100 with the total
    said, with the opt-out lists; and the masked subject for the audit trail."""
    subject = read_subject(query)
    page = read_page(query)
    wanted, phone, found = _recipients(svc, staff, subject)
    opt_out = _opt_out(svc, phone)
    ids, truncated = notice_ids_to(svc.tables, {ref for _, ref in wanted})
    theirs = [n for n in notices_by_id(svc.tables, ids, WHOSE) if _theirs(wanted, n)]
    theirs.sort(key=lambda n: (n.created_at or "", n.id), reverse=True)
    shown = [n.id for n in theirs[window(page)]]
    whole = {n.id: n for n in notices_by_id(svc.tables, shown)}
    body = {
        "subject": {"kind": subject.kind, "masked": subject.masked},
        "former_people": [],
        **found,
        "notices": [_view(whole[i]) for i in shown if i in whole],
        **said(len(theirs), page),
        "truncated": truncated,
        "opted_out": bool(opt_out["service"] or opt_out["sns"]),
        "opt_out": opt_out,
        "retention_days": svc.settings.personal_data_days,
    }
    return body, subject.audited


def _visible(svc: Services, staff: Staff, item: NotificationModel) -> bool:
    """Whether the notice's recipient is of the staff member's province (as a search would find it)."""
    tables, ref = svc.tables, item.recipient_ref or ""
    if item.recipient_kind == "person":
        found = person(tables, ref)
        return found is not None and staff.sees(found.province_code)
    if item.recipient_kind == "employer":
        unit = employer(tables, ref)
        return unit is not None and staff.sees(unit.province_code)
    holders = phone_holders(tables, ref)
    provinces = [p.province_code for p in holders.people] + [e.province_code for e in holders.employers]
    return any(staff.sees(p) for p in provinces) if provinces else staff.sees(None)


def _current_phone(svc: Services, item: NotificationModel) -> str | None:
    """The phone a resend goes to: the recipient's registered phone now (corrected since, perhaps)."""
    if item.recipient_kind == "person":
        found = person(svc.tables, item.recipient_ref or "")
        return found.phone if found else None
    if item.recipient_kind == "employer":
        unit = employer(svc.tables, item.recipient_ref or "")
        return unit.rep_phone if unit else None
    return item.recipient_ref


def refusal(item: NotificationModel) -> str | None:
    """Why the notice may not be sent again, or None: only one failed for good, whose SMS surely did
    not go, within the attempts every notice has (the sender's MAX_ATTEMPTS)."""
    status, reason = str(item.status), item.reason or ""
    if status == Status.DELIVERED:
        return "the notice was delivered: it is not sent twice"
    if item.urgent:
        return "a one-time code or a query reply is not sent again: ask for a new one"
    if status == Status.TEMPORARY_FAILURE and reason == NO_RECEIPT:
        return "sent, with no delivery receipt after 72 hours: it may have arrived, it is not sent again"
    if status == Status.TEMPORARY_FAILURE:
        return "the notice is still being retried by the service: wait for its outcome"
    if status not in RESENDABLE:
        return f"the notice is {status}: only a notice that failed for good is sent again"
    if MAYBE_SENT in reason:
        return "SNS may have sent it (its answer was lost): it is not sent again"
    if int(item.attempts or 0) >= MAX_ATTEMPTS:
        return f"the notice was tried {int(item.attempts or 0)} times, the most any notice is: it is not sent again"
    return None


def _resent_key(notice_id: str) -> str:
    return f"resent#{notice_id}"


def _resent_within_a_day(svc: Services, notice_id: str) -> int | None:
    """Seconds until the notice may be sent again from the console, or None: once a day at most."""
    try:
        marker = svc.tables.guard.get(_resent_key(notice_id), consistent_read=True)
    except DoesNotExist:
        return None
    left = int(marker.expires_at or 0) - int(svc.clock().timestamp())
    return left if left > 0 else None  # TTL removes it late: its time is what counts


def resend(svc: Services, staff: Staff, notice_id: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A notice failed for good back to `created`, so the sender claims it (`created` → `sending`) and
    sends it once more: one conditional update, so two clicks send one SMS. Bounded (CONTRACT): once
    a notice a day, RESENDS_PER_HOUR a support member an hour (429 with Retry-After), within the
    notice's attempts; anything that is not failed for good is a 409 saying why."""
    if not notice_id or len(notice_id) > MAX_ID_CHARS or not notice_id.isprintable():
        raise bad_input("id", f"a notice id, at most {MAX_ID_CHARS} characters")
    item = get_notice(svc.tables, notice_id)
    absent = Unfound("no such notice kept (notices are kept for their retention only)", "notice")
    if item is None or not item.recipient_ref:
        raise absent
    ref = notice_ref(item.id)
    if not _visible(svc, staff, item):  # answered as for no notice
        raise hidden(absent, subject=f"notice {ref}")
    status = str(item.status)
    why = refusal(item)
    if why is not None:
        raise conflict(why)
    phone = _current_phone(svc, item)
    if not phone:
        raise conflict("the recipient has no registered phone now")
    wait = _resent_within_a_day(svc, item.id)
    if wait is not None:
        raise ApiError(
            429,
            "too_many_requests",
            f"this notice was sent again in the last 24 hours: try again in {wait} s",
            {"Retry-After": str(wait)},
        )
    enforce(svc, f"resend#{staff.username}", RESENDS_PER_HOUR)
    moment = svc.clock()
    now = utc_iso(moment)
    if not store_resend(svc.tables, item, phone=phone, reason=RESENT, now=now):
        raise conflict("the notice changed meanwhile: search again")
    until = int(moment.timestamp()) + RESEND_AGAIN_AFTER_S
    svc.tables.guard(_resent_key(item.id), expires_at=until, data={"by": staff.username, "at": now}).save()
    logger.info("notice resent", notice=ref, staff=staff.username, was=status)
    body = {"id": item.id, "status": Status.CREATED.value, "was": status, "phone": mask_phone(phone)}
    details = {"template": item.template, "was": status, "attempts": int(item.attempts or 0)}
    return body, f"notice {ref} to {mask_phone(phone)}", details
