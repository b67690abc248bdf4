"""Cases in the console: what people flagged on the lookup page, for the support staff of the person's
or the employer's province; closed with an outcome, after which the person gets one `case_closed` SMS.

Closing is one conditional update (open → closed); the SMS is enqueued under the case's own dedupe
key, so a retried or repeated close can enqueue it again and it is still sent once. A close that finds
the case already closed enqueues it again too (mending a close that stopped between the two) and
answers 409. A case is found by its readable code too (`?code=BHXH-40-2612-0042`, what the person
reads out on the phone), within what the staff member's province sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.agency.identity import hidden
from chalicelib.agency.uploaded_files import conflict
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.flags import (
    CaseStatus,
    Flag,
    FlagKind,
    closed_notice,
    is_case_id,
    read_case_code,
    read_outcome,
)
from chalicelib.domain.staff import Staff
from chalicelib.notify.outbox import enqueue
from chalicelib.services import Services
from chalicelib.store.cases import CaseModel, case_by_code, close_case, get_case, province_cases
from chalicelib.store.maps import plain_map
from chalicelib.web.errors import bad_input, not_found

logger = Logger(child=True)

MAX_LISTED = 200


def _view(item: CaseModel) -> dict[str, Any]:
    """A case as staff see it: the fact as the person saw it, the person only by a masked code."""
    return {
        "id": item.id,
        "case_code": item.case_code,
        "kind": item.kind,
        "subject": item.subject,
        "facts": plain_map(item.facts),
        "person": item.masked_code,
        "status": item.status,
        "provinces": [p for p in (item.person_province, item.employer_province) if p],
        "opened_at": item.opened_at,
        "closed_at": item.closed_at,
        "closed_by": item.closed_by,
        "outcome": item.outcome,
    }


def list_cases(svc: Services, staff: Staff, query: Mapping[str, str]) -> dict[str, Any]:
    """The province's cases in one status (`open` by default), newest first; with `code`, the one case
    of that code (in either status unless `status` is given), or none."""
    raw = query.get("status")
    if raw and raw not in {s.value for s in CaseStatus}:
        raise bad_input("status", "`open` or `closed`")
    if query.get("code"):
        return _by_code(svc, staff, query["code"], raw)
    raw = raw or CaseStatus.OPEN.value
    items = province_cases(svc.tables, staff.province_code, CaseStatus(raw), limit=MAX_LISTED)
    return {"cases": [_view(c) for c in items if _sees(staff, c)], "status": raw}


def _by_code(svc: Services, staff: Staff, raw_code: str, status: str | None) -> dict[str, Any]:
    """Another province's case is not found, as an unknown code is (an absent and a forbidden thing
    answer alike)."""
    try:
        code = read_case_code(raw_code)
    except InvalidValue as exc:
        raise bad_input("code", str(exc)) from None
    item = case_by_code(svc.tables, code)
    found = item is not None and _sees(staff, item) and (status is None or item.status == status)
    return {"cases": [_view(item)] if found and item else [], "status": status, "code": code}


def _sees(staff: Staff, item: CaseModel) -> bool:
    employer = item.employer_province
    return staff.sees(item.person_province) or (employer is not None and staff.sees(employer))


def _notify(svc: Services, item: CaseModel) -> str | None:
    flag = Flag(FlagKind(item.kind), item.subject)
    facts = plain_map(item.facts)
    status = enqueue(svc, closed_notice(item.id, item.ss_code, flag, facts, item.case_code))
    return status.value if status is not None else None


def close(svc: Services, staff: Staff, case_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """Close an open case with the staff member's outcome; the person is told once."""
    if not is_case_id(case_id):
        raise bad_input("id", "a case id, `case-` and 24 letters")
    try:
        outcome = read_outcome(body.get("outcome"))
    except InvalidValue as exc:
        raise bad_input("outcome", str(exc)) from None
    item = get_case(svc.tables, case_id)
    absent = not_found("no such case")
    if item is None:
        raise absent
    if not _sees(staff, item):  # answered as for no case
        raise hidden(absent, subject=case_id)
    if not close_case(svc.tables, item, by=staff.username, outcome=outcome, at=svc.clock()):
        again = get_case(svc.tables, case_id)
        if again is not None and again.status == CaseStatus.CLOSED:
            _notify(svc, again)  # told once: a no-op unless the first close stopped before it
        raise conflict("the case is already closed")
    queued = _notify(svc, item)
    logger.info("case closed", case=case_id, kind=item.kind, notice=queued)
    return {"id": case_id, "status": CaseStatus.CLOSED.value, "notice": queued}
