"""Lookups without sign-in, as the portal offers them: a card's validity when its holder's name and
date of birth match, a dossier's status by its number. They reveal no more than that."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.coverage import card_status
from chalicelib.domain.identifiers import card_ss_code
from chalicelib.domain.text import strip_diacritics
from chalicelib.store.models import ledger_facts
from chalicelib.web.errors import ApiError, not_found
from chalicelib.web.limits import Limit, enforce

if TYPE_CHECKING:
    from chalicelib.services import Services

_SPACES = re.compile(r"\s+")
CARD_CHECKS_PER_CLIENT = Limit(30, 60 * 60)  # enough for a family, too few to try dates of birth
DOSSIER_LOOKUPS_PER_CLIENT = Limit(60, 60 * 60)  # CONTRACT: 60 lookups per client an hour


def comparable_name(name: str) -> str:
    """`  Nguyễn  Văn An` and `nguyen van an` compare equal: no diacritics, no case, single spaces."""
    return _SPACES.sub(" ", strip_diacritics(name)).strip().casefold()


def _card_not_found() -> ApiError:
    return not_found("no card matches these details")


def limit_card_checks(svc: Services, client: str) -> None:
    """At most 30 card checks per client an hour, else 429: a date of birth is not a password."""
    enforce(svc, f"card-check#{client}", CARD_CHECKS_PER_CLIENT)


def limit_dossier_lookups(svc: Services, client: str) -> None:
    """At most 60 dossier lookups per client an hour, found or not, else 429: numbers are not to be walked."""
    enforce(svc, f"dossier#{client}", DOSSIER_LOOKUPS_PER_CLIENT)


def check_hi_card(svc: Services, card_no: str, full_name: str, date_of_birth: date) -> dict[str, Any]:
    """Validity when card number, name and date of birth all match; one 404 for unknown and mismatched.
    Both reads are made whatever the first finds, so timing does not tell them apart either."""
    tables = svc.tables
    card = ledger_facts(tables, f"hi_card#{card_no}")
    holder = str(card.get("ss_code") or card_ss_code(card_no)) if card else card_ss_code(card_no)
    try:
        person = tables.people.get(holder)
    except DoesNotExist:
        person = None
    if (
        card is None
        or person is None
        or comparable_name(person.full_name) != comparable_name(full_name)
        or person.date_of_birth != date_of_birth.isoformat()
    ):
        raise _card_not_found()
    return {
        "card_no": card_no,
        "valid_from": str(card["valid_from"]),
        "valid_to": str(card["valid_to"]),
        "status": card_status(str(card["valid_to"]), svc.clock().date()),
    }


def dossier(svc: Services, dossier_no: str) -> dict[str, Any]:
    """A dossier's procedure, status and dates: nothing about who submitted it."""
    facts = ledger_facts(svc.tables, f"dossier#{dossier_no}")
    if facts is None:
        raise not_found("no dossier with this number")
    return {
        "dossier_no": str(facts.get("dossier_no", dossier_no)),
        "procedure": str(facts.get("procedure", "")),
        "status": str(facts.get("status", "")),
        "received_on": facts.get("received_on"),
        "appointment_on": facts.get("appointment_on"),
        "completed_on": facts.get("completed_on"),
    }
