"""What a signed-in person reads about themselves. Every function takes the services and the token's
`ss_code`, and reads only items keyed by it: there is no parameter through which another person could
be named."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.coverage import card_status, plan_status
from chalicelib.domain.dates import parse_month
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.participation import participation
from chalicelib.domain.phones import mask_phone
from chalicelib.store.history import month_row, months
from chalicelib.store.models import ledger_facts
from chalicelib.web.errors import bad_input, not_found

if TYPE_CHECKING:
    from chalicelib.services import Services


def me(svc: Services, ss_code: str) -> dict[str, Any]:
    try:
        person = svc.tables.people.get(ss_code)
    except DoesNotExist:
        raise not_found("no person on file for this sign-in") from None
    return {
        "ss_code": person.ss_code,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "unit_code": person.unit_code,
        "masked_phone": mask_phone(person.phone) if person.phone else None,
    }


def _month(name: str, raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    try:
        return parse_month(raw)
    except InvalidValue as exc:
        raise bad_input(name, str(exc)) from None


def contributions(svc: Services, ss_code: str, raw_from: str | None, raw_to: str | None) -> dict[str, Any]:
    """The person's months from `from` to `to` (inclusive, either open), by one Query, with totals
    (domain/participation.py says what counts)."""
    first, last = _month("from", raw_from), _month("to", raw_to)
    if first and last and first > last:
        raise bad_input("from", "must not be after 'to'")
    rows = [month_row(item) for item in months(svc.tables, ss_code, first, last)]
    totals = participation(rows)
    return {
        "months": rows,
        "totals": {"si_months": totals.si_months, "ui_months": totals.ui_months, "owed_months": totals.owed_months},
    }


def hi_card(svc: Services, ss_code: str) -> dict[str, Any]:
    """The person's health card (the one valid longest, if the ledger holds several)."""
    tables = svc.tables
    cards = [
        item.facts_dict()
        for item in tables.ledger.by_person.query(ss_code, tables.ledger.pk.startswith("hi_card#"))
        if item.kind == "hi_card"
    ]
    if not cards:
        raise not_found("no health-insurance card on file")
    card = max(cards, key=lambda f: str(f.get("valid_to", "")))
    return {
        "card_no": str(card["card_no"]),
        "valid_from": str(card["valid_from"]),
        "valid_to": str(card["valid_to"]),
        "household": bool(card.get("household", False)),
        "facility": card.get("facility"),
        "status": card_status(str(card["valid_to"]), svc.clock().date()),
    }


def voluntary(svc: Services, ss_code: str) -> dict[str, Any]:
    """The voluntary plan, if any: how often it is paid, how far, on what income, and whether it is current."""
    facts = ledger_facts(svc.tables, f"voluntary#{ss_code}")
    if facts is None:
        raise not_found("no voluntary plan on file")
    paid_to = str(facts["paid_to"])
    return {
        "months_per_payment": int(facts["months_per_payment"]),
        "paid_to": paid_to,
        "income_vnd": int(facts["income_vnd"]),
        "status": plan_status(paid_to, svc.clock().date()),
    }
