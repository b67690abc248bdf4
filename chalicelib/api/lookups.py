"""What a signed-in person reads about themselves. Every function takes the token's `ss_code` and
reads only items keyed by it: there is no parameter through which another person could be named."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.api.errors import bad_input, not_found
from chalicelib.domain.dates import parse_month
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.phones import mask_phone
from chalicelib.store.models import LedgerModel, Tables

EXPIRING_WITHIN_DAYS = 30


def me(ss_code: str, *, tables: Tables) -> dict[str, Any]:
    try:
        person = tables.people.get(ss_code)
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


def contributions(ss_code: str, raw_from: str | None, raw_to: str | None, *, tables: Tables) -> dict[str, Any]:
    """The person's months from `from` to `to` (inclusive, either open), by one Query, with totals.
    A month counts towards SI or UI participation when it is paid and has that share."""
    first, last = _month("from", raw_from), _month("to", raw_to)
    if first and last and first > last:
        raise bad_input("from", "must not be after 'to'")
    history = tables.history
    if first and last:
        condition = history.period_unit.between(f"{first}#", f"{last}#~")
    elif first:
        condition = history.period_unit >= f"{first}#"
    elif last:
        condition = history.period_unit <= f"{last}#~"
    else:
        condition = None
    months = [
        {
            "period": row.period,
            "unit_code": row.unit_code,
            "salary_vnd": int(row.salary_vnd),
            "si_vnd": int(row.si_vnd),
            "hi_vnd": int(row.hi_vnd),
            "ui_vnd": int(row.ui_vnd),
            "status": row.status,
        }
        for row in history.query(ss_code, range_key_condition=condition)
    ]
    paid = [m for m in months if m["status"] == "paid"]
    return {
        "months": months,
        "totals": {
            "si_months": len({m["period"] for m in paid if m["si_vnd"] > 0}),
            "ui_months": len({m["period"] for m in paid if m["ui_vnd"] > 0}),
            "owed_months": len({m["period"] for m in months if m["status"] == "owed"}),
        },
    }


def card_status(valid_to: str, today: date) -> str:
    """`expired` after `valid_to`, `expiring` within 30 days of it, else `valid`."""
    end = date.fromisoformat(valid_to)
    if today > end:
        return "expired"
    return "expiring" if end - today <= timedelta(days=EXPIRING_WITHIN_DAYS) else "valid"


def _facts(item: LedgerModel) -> dict[str, Any]:
    return item.facts.as_dict() if item.facts is not None else {}


def hi_card(ss_code: str, *, tables: Tables, today: date) -> dict[str, Any]:
    """The person's health card (the one valid longest, if the ledger holds several)."""
    cards = [
        _facts(item)
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
        "status": card_status(str(card["valid_to"]), today),
    }


def _last_day(month: str) -> date:
    year, mon = (int(part) for part in month.split("-"))
    first_next = date(year + mon // 12, mon % 12 + 1, 1)
    return first_next - timedelta(days=1)


def voluntary(ss_code: str, *, tables: Tables, today: date) -> dict[str, Any]:
    """The voluntary plan, if any: how often it is paid, how far, on what income, and whether it is current."""
    try:
        item = tables.ledger.get(f"voluntary#{ss_code}")
    except DoesNotExist:
        raise not_found("no voluntary plan on file") from None
    facts = _facts(item)
    paid_to = str(facts["paid_to"])
    end = _last_day(paid_to)
    if today > end:
        status = "lapsed"
    elif end - today <= timedelta(days=EXPIRING_WITHIN_DAYS):
        status = "due"
    else:
        status = "paid_up"
    return {
        "months_per_payment": int(facts["months_per_payment"]),
        "paid_to": paid_to,
        "income_vnd": int(facts["income_vnd"]),
        "status": status,
    }
