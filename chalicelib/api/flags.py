"""A signed-in person's settled health-care visits, and their flags (CONTRACT: `GET /v1/me/claims`,
`POST /v1/me/flags`). Like every `/v1/me` read, only items of the token's own `ss_code` are read:
a flag can name only a month or a visit this person was shown.

A flag opens a case for the agency (store/cases.py) with the fact as the person saw it: the month's
owed rows (as `GET /v1/me/contributions` shows them) or the visit (as `GET /v1/me/claims` does). Each
case gets its readable code as it opens (store/case_codes.py). What the person flagged is shown back to
them: each month and each visit carries a `flag` (`case_code`, `status`, `outcome`, …) or null; the
cases are read by the ids this person's facts hash to (one batch get), so a token reaches only its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.flags import BadFlag, Flag, FlagKind, case_id, read_flag
from chalicelib.domain.identifiers import card_ss_code
from chalicelib.domain.privacy import mask_code
from chalicelib.domain.staff import NATIONAL
from chalicelib.services import Services
from chalicelib.store.case_codes import next_case_code
from chalicelib.store.cases import CaseModel, cases_by_id, get_case, open_case
from chalicelib.store.history import month_row, months
from chalicelib.store.models import Tables, ledger_facts
from chalicelib.store.recipients import employer, person
from chalicelib.web.errors import ApiError, bad_input, not_found

logger = Logger(child=True)

CLAIM = "hi_claim#"


def _claim(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "claim_id": str(facts["claim_id"]),
        "facility": str(facts.get("facility") or ""),
        "visit_on": str(facts["visit_on"]),
        "fund_paid_vnd": int(facts.get("fund_paid_vnd") or 0),
    }


def claims(svc: Services, ss_code: str) -> dict[str, Any]:
    """The person's settled visits, newest first, each with its flag: one Query on the ledger's
    `by_person` index, one batch get of the cases."""
    ledger = svc.tables.ledger
    found = [
        _claim(item.facts_dict())
        for item in ledger.by_person.query(ss_code, ledger.pk.startswith(CLAIM))
        if item.kind == "hi_claim"
    ]
    flags = _flags(svc, ss_code, [Flag(FlagKind.UNKNOWN_VISIT, c["claim_id"]) for c in found])
    shown = [{**c, "flag": flags.get(c["claim_id"])} for c in found]
    return {"claims": sorted(shown, key=lambda c: (c["visit_on"], c["claim_id"]), reverse=True)}


def with_month_flags(svc: Services, ss_code: str, answer: dict[str, Any]) -> dict[str, Any]:
    """`GET /v1/me/contributions`'s answer with each month's flag (null when not flagged)."""
    rows = answer["months"]
    flags = _flags(svc, ss_code, [Flag(FlagKind.UNPAID_MONTH, p) for p in {r["period"] for r in rows}])
    return {**answer, "months": [{**r, "flag": flags.get(r["period"])} for r in rows]}


def _flags(svc: Services, ss_code: str, facts: list[Flag]) -> dict[str, dict[str, Any]]:
    """The person's flags of these facts, by subject: the case ids are computed from this person's
    own facts, so no other person's case can be read."""
    key = svc.dedupe_hash_key() if facts else b""
    ids = {case_id(f.fact_key(ss_code), key): f.subject for f in facts}
    return {ids[i]: _state(c) for i, c in cases_by_id(svc.tables, ids).items() if c.ss_code == ss_code}


def _state(item: CaseModel) -> dict[str, Any]:
    """A flag as its person sees it: its code, whether it is open or closed, and the agency's answer.
    Never who closed it, nor the provinces."""
    return {
        "case_code": item.case_code,
        "status": item.status,
        "outcome": item.outcome,
        "opened_at": item.opened_at,
        "closed_at": item.closed_at,
    }


def _unpaid_month(tables: Tables, ss_code: str, flag: Flag) -> tuple[dict[str, Any], str | None]:
    owed = [month_row(m) for m in months(tables, ss_code, flag.subject, flag.subject) if m.status == "owed"]
    if not owed:
        raise bad_input("period", "not a month shown owed on your record")
    unit = employer(tables, owed[0]["unit_code"])
    return {"period": flag.subject, "months": owed}, (unit.province_code if unit else None)


def _unknown_visit(tables: Tables, ss_code: str, flag: Flag) -> tuple[dict[str, Any], str | None]:
    facts = ledger_facts(tables, f"{CLAIM}{flag.subject}")
    if facts is None or card_ss_code(str(facts.get("card_no", ""))) != ss_code:
        raise not_found("no such settled visit on your record")  # another person's is answered the same
    return _claim(facts), None


def flag(svc: Services, ss_code: str, body: Mapping[str, Any]) -> dict[str, str]:
    """Open the case for one fact the person flags; 409 when that fact was flagged before."""
    try:
        wanted = read_flag(body)
    except BadFlag as exc:
        raise bad_input(exc.field, str(exc)) from None
    tables = svc.tables
    who = person(tables, ss_code)
    if who is None:
        raise not_found("no person on file for this sign-in")
    read = _unpaid_month if wanted.kind is FlagKind.UNPAID_MONTH else _unknown_visit
    facts, employer_province = read(tables, ss_code, wanted)
    opened = case_id(wanted.fact_key(ss_code), svc.dedupe_hash_key())
    if get_case(tables, opened) is not None:  # before a number is taken: no gap for a repeat
        raise _already()
    at = svc.clock()
    code = next_case_code(tables, who.province_code or NATIONAL, at)
    if not open_case(
        tables,
        case_id=opened,
        kind=wanted.kind.value,
        subject=wanted.subject,
        ss_code=ss_code,
        masked_code=mask_code(ss_code),
        facts=facts,
        person_province=who.province_code,
        employer_province=employer_province,
        at=at,
        case_code=code,
    ):
        raise _already()
    logger.info("case opened", case=opened, code=code, kind=wanted.kind.value)
    return {"id": opened, "case_code": code}


def _already() -> ApiError:
    return ApiError(409, "already_flagged", "this was already flagged: the agency has it")
