"""The kinds of batch file the contract lists, each a few lines: columns, checks, what it becomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from chalicelib.domain import identifiers
from chalicelib.domain.due_dates import arrears_due, hi_card_due, voluntary_due
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.id_hash import hash_id_number, normalize_id_number
from chalicelib.domain.links import AGENCY_DOMAINS, foreign_links
from chalicelib.domain.phones import normalize_mobile
from chalicelib.ingest.kinds import values as v
from chalicelib.ingest.kinds.spec import (
    Column,
    Context,
    Kind,
    MissingIdHashKey,
    Parser,
    Record,
    RowError,
    Values,
    ledger,
    plain,
)

# D02 plan codes (phương án, VSS): increases, stops, pauses, salary changes, and the others accepted
PLANS = ("TM", "TH", "TD", "TC", "ON", "GH", "GD", "GC", "KL", "OF", "TS", "DC", "SB", "AD", "CD", "AT", "TN", "GN")
PLANS += ("DN", "TL", "GL", "DL")
DOSSIER_STATES = ("received", "processing", "completed", "returned")
HISTORY_STATES = ("paid", "owed")
BENEFITS = ("pension", "sickness", "maternity", "unemployment", "one_off", "survivor", "accident")


def _req(parse: Parser) -> Column:
    return Column(parse, required=True)


def _opt(parse: Parser) -> Column:
    return Column(parse)


def _sms_note(raw: str) -> str:
    """Free text the service sends by SMS as it is (a dossier's note): text, with no link but to
    the agency's own domain (CONTRACT, "Free text"; domain/links.py)."""
    note = v.text(raw)
    links = foreign_links(note)
    if links:
        raise InvalidValue(f"url_in_note: a link to {links[0][:80]!r}; only {', '.join(AGENCY_DOMAINS)} may be named")
    return note


# checks across columns ------------------------------------------------------------------------


def _card_holds_ss_code(values: Values) -> RowError | None:
    if identifiers.card_ss_code(values["card_no"]) != values["ss_code"]:
        return RowError("card_no", "card_no does not embed the row's ss_code")
    return None


def _valid_to_after_from(values: Values) -> RowError | None:
    if values["valid_to"] < values["valid_from"]:
        return RowError("valid_to", "valid_to is before valid_from")
    return None


def _fund_paid_within_total(values: Values) -> RowError | None:
    if values["fund_paid_vnd"] > values["total_vnd"]:
        return RowError("fund_paid_vnd", "fund_paid_vnd is more than total_vnd")
    return None


def _months_per_payment(raw: str) -> int:
    months = v.count(raw)
    if months not in (1, 3, 6) and (months == 0 or months % 12):
        raise InvalidValue("months_per_payment must be 1, 3, 6, 12 or a multiple of 12")
    return months


# records ----------------------------------------------------------------------------------------

_DOSSIER_FACT = ledger("dossier", "dossier_no")
_DOSSIER_STEP = {"received": 0, "processing": 1, "completed": 2, "returned": 2}


def _dossier(values: Values, ctx: Context) -> Record:
    """A dossier's state, with `as_of`: the row's own date (`completed_on` for a finished one,
    else `received_on`), then how far the state is, then when its upload was taken. A state from an
    older export, uploaded or processed after a newer one, never overwrites it (store/writer.py)."""
    record = _DOSSIER_FACT(values, ctx)
    finished = values["status"] in ("completed", "returned")
    own = (values.get("completed_on") if finished else None) or values["received_on"]
    as_of = f"{own}|{_DOSSIER_STEP[values['status']]}|{ctx.taken_at or ''}"
    item = {**record.item, "as_of": as_of}
    return replace(record, item=item, volatile=record.volatile | {"as_of"}, ordered_by="as_of")


def _person(values: Values, ctx: Context) -> Record:
    item = dict(values)
    number = item.pop("id_number", None)
    if number is not None:
        if not ctx.id_hash_key:
            raise MissingIdHashKey("ID_HASH_KEY is not set for this stage")
        item["id_hash"] = hash_id_number(number, ctx.id_hash_key)
    return Record("people", item["ss_code"], item)


def _history(values: Values, ctx: Context) -> Record:
    period_unit = f"{values['period']}#{values['unit_code']}"
    return Record("history", f"{values['ss_code']}#{period_unit}", {**values, "period_unit": period_unit})


_hi_claim_ledger = ledger("hi_claim", "claim_id")


def _hi_claim(values: Values, ctx: Context) -> Record:
    """A settled claim names a card, not a person: the card's embedded ss_code is the holder's."""
    record = _hi_claim_ledger(values, ctx)
    record.item["ss_code"] = identifiers.card_ss_code(values["card_no"])
    return record


def _hi_card_due(values: Values, ctx: Context) -> date | None:
    return hi_card_due(date.fromisoformat(values["valid_to"]), values["household"], ctx.now)


def _voluntary_due(values: Values, ctx: Context) -> date | None:
    return voluntary_due(values["paid_to"], ctx.now)


def _arrears_due(values: Values, ctx: Context) -> date:
    return arrears_due(values["period"], ctx.now)


KINDS: dict[str, Kind] = {
    "employers": Kind(
        "employers",
        {
            "unit_code": _req(identifiers.unit_code),
            "name": _req(v.name),
            "rep_phone": _opt(normalize_mobile),
            "province_code": _opt(v.province),
        },
        plain("employers", "unit_code"),
    ),
    "people": Kind(
        "people",
        {
            "ss_code": _req(identifiers.ss_code),
            "full_name": _req(v.name),
            "date_of_birth": _req(v.iso_date),
            "id_number": _opt(normalize_id_number),
            "phone": _opt(normalize_mobile),
            "unit_code": _opt(identifiers.unit_code),
            "province_code": _opt(v.province),
        },
        _person,
        stored_as={"id_number": "id_hash"},
    ),
    "history": Kind(
        "history",
        {
            "ss_code": _req(identifiers.ss_code),
            "unit_code": _req(identifiers.unit_code),
            "period": _req(v.month),
            "salary_vnd": _req(v.money),
            "si_vnd": _req(v.money),
            "hi_vnd": _req(v.money),
            "ui_vnd": _req(v.money),
            "status": _req(v.one_of("status", HISTORY_STATES)),
        },
        _history,
    ),
    "payments": Kind(
        "payments",
        {
            "payment_id": _req(v.business_id("payment_id")),
            "unit_code": _req(identifiers.unit_code),
            "paid_on": _req(v.iso_date),
            "amount_vnd": _req(v.money),
            "period": _opt(v.month),
        },
        ledger("payment", "payment_id"),
        facts=True,
    ),
    "declarations": Kind(
        "declarations",
        {
            "declaration_id": _req(v.business_id("declaration_id")),
            "unit_code": _req(identifiers.unit_code),
            "ss_code": _req(identifiers.ss_code),
            "plan": _req(v.one_of("plan code", PLANS, upper=True)),
            "effective_period": _req(v.month),
            "salary_vnd": _opt(v.money),
            "previous_salary_vnd": _opt(v.money),
        },
        ledger("declaration", "declaration_id"),
        facts=True,
    ),
    "dossiers": Kind(
        "dossiers",
        {
            "dossier_no": _req(identifiers.dossier_no),
            "procedure": _req(v.text),
            "submitter_phone": _req(normalize_mobile),
            "status": _req(v.one_of("status", DOSSIER_STATES)),
            "received_on": _req(v.iso_date),
            "appointment_on": _opt(v.iso_date),
            "completed_on": _opt(v.iso_date),
            "ss_code": _opt(identifiers.ss_code),
            "unit_code": _opt(identifiers.unit_code),
            "note": _opt(_sms_note),
        },
        _dossier,
        facts=True,
        ordered=True,  # a file may list a dossier's states in order: "a later row ... updates it"
    ),
    "hi_cards": Kind(
        "hi_cards",
        {
            "card_no": _req(identifiers.card_no),
            "ss_code": _req(identifiers.ss_code),
            "valid_from": _req(v.iso_date),
            "valid_to": _req(v.iso_date),
            "household": _req(v.flag),
            "facility": _opt(v.text),
        },
        # a card that arrives after its 30-day mark is due at the next run: the same file later is no change
        ledger("hi_card", "card_no", due=_hi_card_due, volatile_due=True),
        checks=(_card_holds_ss_code, _valid_to_after_from),
        facts=True,
    ),
    "voluntary": Kind(
        "voluntary",
        {
            "ss_code": _req(identifiers.ss_code),
            "months_per_payment": _req(_months_per_payment),
            "paid_to": _req(v.month),
            "income_vnd": _req(v.money),
        },
        ledger("voluntary", "ss_code", due=_voluntary_due, volatile_due=True),
        facts=True,
    ),
    "arrears": Kind(
        "arrears",
        {
            "unit_code": _req(identifiers.unit_code),
            "period": _req(v.month),
            "owed_vnd": _req(v.money),
            "months_late": _req(v.count),
            "interest_vnd": _opt(v.money),
        },
        # the sending day depends on the clock at ingest: the same file later is not a change
        ledger("arrears", "unit_code", "period", due=_arrears_due, volatile_due=True),
        facts=True,
    ),
    "benefits": Kind(
        "benefits",
        {
            "benefit_id": _req(v.business_id("benefit_id")),
            "ss_code": _req(identifiers.ss_code),
            "benefit": _req(v.one_of("benefit", BENEFITS)),
            "amount_vnd": _req(v.money),
            "paid_on": _req(v.iso_date),
            "period": _opt(v.month),
        },
        ledger("benefit", "benefit_id"),
        facts=True,
    ),
    "hi_claims": Kind(
        "hi_claims",
        {
            "claim_id": _req(v.business_id("claim_id")),
            "card_no": _req(identifiers.card_no),
            "facility": _req(v.text),
            "visit_on": _req(v.iso_date),
            "total_vnd": _req(v.money),
            "fund_paid_vnd": _req(v.money),
        },
        _hi_claim,
        checks=(_fund_paid_within_total,),
        facts=True,
    ),
}
