"""Cases: what people flagged on the lookup page (domain/flags.py), followed up in the console.

A case is put once, conditionally on its id (one flag per fact), and later closed once, conditionally
on being open. Each case is seen by the support staff of the person's province and of the employer's
(for a month an employer left owed): both provinces' queues index it, `<province>#<status>`, so "the
open cases of Nghệ An" is one query whichever side of the case Nghệ An is on. A case opened since
issue 22 carries its readable code (`BHXH-40-2612-0042`, store/case_codes.py), indexed sparsely by
`by_code` for the console's search; older cases have none and work as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Protocol

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.clock import utc_iso
from chalicelib.domain.flags import CaseStatus
from chalicelib.domain.staff import NATIONAL
from chalicelib.store.conditions import save_if, update_if


class _ByPersonProvince(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_person_province"
        projection = AllProjection()

    person_queue = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class _ByEmployerProvince(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_employer_province"
        projection = AllProjection()

    employer_queue = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class _ByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class _ByCode(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_code"
        projection = AllProjection()

    case_code = UnicodeAttribute(hash_key=True)


class CaseModel(Model):
    """One flagged fact. Key: `id` = `case-<keyed hash of the person and the fact>`. GSI
    `by_person_province`: `person_queue` = `<person's province>#<status>`, `opened_at`; sparse GSI
    `by_employer_province`: `employer_queue` = `<employer's province>#<status>` (set for a month an
    employer of another province left owed), `opened_at`; GSI `by_status`: `status`, `opened_at`
    (national staff); sparse GSI `by_code`: `case_code`. Times are UTC ISO."""

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # unpaid_month | unknown_visit
    subject = UnicodeAttribute()  # the month (YYYY-MM) or the claim_id
    ss_code = UnicodeAttribute()  # who flagged it: the case_closed SMS goes to them; never shown in clear
    masked_code = UnicodeAttribute()  # what the console shows of them
    facts = MapAttribute()  # the fact as the person saw it (their month's rows, or the visit)
    status = UnicodeAttribute()
    person_province = UnicodeAttribute()
    employer_province = UnicodeAttribute(null=True)
    person_queue = UnicodeAttribute()
    employer_queue = UnicodeAttribute(null=True)
    opened_at = UnicodeAttribute()
    closed_at = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)  # the staff member's username
    outcome = UnicodeAttribute(null=True)  # what staff found and did; the person reads it on the page
    case_code = UnicodeAttribute(null=True)  # BHXH-<province>-<yymm>-<seq>; none on cases opened before codes
    by_person_province = _ByPersonProvince()
    by_employer_province = _ByEmployerProvince()
    by_status = _ByStatus()
    by_code = _ByCode()


class WithCases(Protocol):
    """What this module needs of `Tables` (store/models.py, which binds CaseModel): the cases table. Named
    here so the store's modules import nothing back from models.py."""

    @property
    def cases(self) -> type[CaseModel]: ...


def _queue(province: str | None, status: CaseStatus) -> str | None:
    return f"{province}#{status.value}" if province else None


def open_case(
    tables: WithCases,
    *,
    case_id: str,
    kind: str,
    subject: str,
    ss_code: str,
    masked_code: str,
    facts: dict[str, object],
    person_province: str | None,
    employer_province: str | None,
    at: datetime,
    case_code: str | None = None,
) -> bool:
    """Put the case; False when this fact was already flagged (its case is there, open or closed)."""
    model = tables.cases
    person = person_province or NATIONAL
    employer = employer_province if employer_province and employer_province != person else None
    item = model(
        case_id,
        kind=kind,
        subject=subject,
        ss_code=ss_code,
        masked_code=masked_code,
        facts=facts,
        status=CaseStatus.OPEN.value,
        person_province=person,
        employer_province=employer,
        person_queue=_queue(person, CaseStatus.OPEN),
        employer_queue=_queue(employer, CaseStatus.OPEN),
        opened_at=utc_iso(at),
        case_code=case_code,
    )
    return save_if(item, model.id.does_not_exist())


def get_case(tables: WithCases, case_id: str) -> CaseModel | None:
    try:
        return tables.cases.get(case_id, consistent_read=True)
    except DoesNotExist:
        return None


def cases_by_id(tables: WithCases, case_ids: Iterable[str]) -> dict[str, CaseModel]:
    """The cases of these ids that exist, by id: batch gets (a person's flags, their ids computed)."""
    wanted = sorted(set(case_ids))
    return {item.id: item for item in tables.cases.batch_get(wanted)} if wanted else {}


def case_by_code(tables: WithCases, code: str) -> CaseModel | None:
    """The case with this readable code, if any (the sparse `by_code` index)."""
    return next(iter(tables.cases.by_code.query(code, limit=1)), None)


def close_case(tables: WithCases, item: CaseModel, *, by: str, outcome: str, at: datetime) -> bool:
    """Open → closed with the outcome, once: False when it was no longer open."""
    model = tables.cases
    actions = [
        model.status.set(CaseStatus.CLOSED.value),
        model.person_queue.set(_queue(item.person_province, CaseStatus.CLOSED)),
        model.closed_at.set(utc_iso(at)),
        model.closed_by.set(by),
        model.outcome.set(outcome),
    ]
    if item.employer_province:
        actions.append(model.employer_queue.set(_queue(item.employer_province, CaseStatus.CLOSED)))
    return update_if(item, actions, model.status == CaseStatus.OPEN.value)


def province_cases(tables: WithCases, province: str, status: CaseStatus, *, limit: int) -> list[CaseModel]:
    """The cases of a province's people or employers in one status, newest first; national staff's
    (`00`): every case in that status. At most `limit`."""
    model = tables.cases
    if province == NATIONAL:
        return list(model.by_status.query(status.value, scan_index_forward=False, limit=limit))
    queue = f"{province}#{status.value}"
    sides: list[Iterator[CaseModel]] = [
        model.by_person_province.query(queue, scan_index_forward=False, limit=limit),
        model.by_employer_province.query(queue, scan_index_forward=False, limit=limit),
    ]
    merged: dict[str, CaseModel] = {}
    for side in sides:
        for item in islice(side, limit):
            merged[item.id] = item
    return sorted(merged.values(), key=lambda c: c.opened_at, reverse=True)[:limit]
