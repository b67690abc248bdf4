"""Province isolation (CONTRACT, "Agency console", Province): whose a file name is, and whether a row
of a provincial file may be taken. Pure: what is on record is handed in (ingest/province_gate.py).

A file name belongs to the province that first uploaded it (no metadata: the agency's own systems,
national). A provincial file (its uploader's province is not `00`) may touch only people, employers,
cards and dossiers of that province; national files write across provinces. A row is placed by
every clue it carries: its own `province_code`, a card's province digits, the stored person's
province (else their stored unit's), the stored unit's province, and for a dossier the person and
unit of its stored row. One clue naming another province refuses it (`other_province`); a unit not
on record cannot be placed (`unknown_unit`), nor a person not on record with no other clue
(`unknown_person`): reported, never taken as "no phone".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.identifiers import card_ss_code
from chalicelib.domain.staff import NATIONAL

OTHER_PROVINCE = "other_province"
UNKNOWN_UNIT = "unknown_unit"
UNKNOWN_PERSON = "unknown_person"
REASONS = (OTHER_PROVINCE, UNKNOWN_UNIT, UNKNOWN_PERSON)
# what the console shows for each reason (vi, en)
REASON_NAMES: dict[str, dict[str, str]] = {
    "vi": {
        OTHER_PROVINCE: "Dòng thuộc tỉnh khác: tệp của tỉnh chỉ được ghi dữ liệu của tỉnh mình",
        UNKNOWN_UNIT: "Mã đơn vị chưa có trong hệ thống",
        UNKNOWN_PERSON: "Mã số BHXH chưa có trong hệ thống",
    },
    "en": {
        OTHER_PROVINCE: "The row is about another province: a province's file may only touch its own",
        UNKNOWN_UNIT: "The unit code is not on record",
        UNKNOWN_PERSON: "The social-insurance code is not on record",
    },
}
_UNKNOWN = "?"  # a clue that names something not on record


def is_provincial(province_code: str | None) -> bool:
    """A file whose rows are held to its province: a console upload by provincial staff."""
    return bool(province_code) and province_code != NATIONAL


def owner_of(provinces: list[str | None]) -> str | None:
    """Whose a file name is, from the provinces of what is on record under it (None: nothing yet)."""
    found = [p or NATIONAL for p in provinces]
    return found[0] if found else None


def name_taken(owner: str | None, uploader_province: str | None) -> bool:
    """An upload under a name owned by another province (national included) is refused."""
    return owner is not None and owner != (uploader_province or NATIONAL)


@dataclass(frozen=True)
class PersonPlace:
    province_code: str | None
    unit_code: str | None


@dataclass(frozen=True)
class OnRecord:
    """What is stored about the keys a few rows name: people by ss_code, units by unit_code (their
    province, None when stored without one), and for dossiers the ss_code and unit of the stored row."""

    people: Mapping[str, PersonPlace] = field(default_factory=dict)
    units: Mapping[str, str | None] = field(default_factory=dict)
    dossiers: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    column: str
    reason: str


# keys a row of each kind names, for the caller to look up: (ss_code column, unit column)
PERSON_KINDS = frozenset({"people", "history", "declarations", "hi_cards", "voluntary", "benefits", "dossiers"})
UNIT_KINDS = frozenset({"employers", "people", "history", "payments", "declarations", "dossiers", "arrears"})
CARD_KINDS = frozenset({"hi_cards", "hi_claims"})


def card_province(card_no: str) -> str:
    """A card's province: its 4th and 5th characters (CONTRACT, identifiers)."""
    return card_no[3:5]


def ss_code_of(kind: str, values: Mapping[str, Any]) -> str | None:
    if kind == "hi_claims":
        return card_ss_code(str(values["card_no"]))
    return values.get("ss_code") if kind in PERSON_KINDS else None


def _person(ss_code: str, known: OnRecord) -> str | None:
    person = known.people.get(ss_code)
    if person is None:
        return _UNKNOWN
    if person.province_code:
        return person.province_code
    return known.units.get(person.unit_code) if person.unit_code else None


def _clues(kind: str, values: Mapping[str, Any], known: OnRecord) -> Iterator[tuple[str, str | None]]:
    """(column, province) for every clue the row carries; `_UNKNOWN` for a key not on record."""
    if values.get("province_code") and kind in ("people", "employers"):
        yield "province_code", values["province_code"]
    if kind in CARD_KINDS:
        yield "card_no", card_province(str(values["card_no"]))
    ss_code = ss_code_of(kind, values)
    if ss_code:
        column = "card_no" if kind == "hi_claims" else "ss_code"
        yield column, (_person(ss_code, known) if kind != "people" or ss_code in known.people else None)
    unit = values.get("unit_code") if kind in UNIT_KINDS else None
    if unit:
        if unit in known.units:
            yield "unit_code", known.units[unit]
        elif kind != "employers":
            yield "unit_code", _UNKNOWN
    if kind == "dossiers" and values.get("dossier_no") in known.dossiers:
        stored_ss, stored_unit = known.dossiers[values["dossier_no"]]
        if stored_ss and stored_ss in known.people:
            yield "dossier_no", _person(stored_ss, known)
        if stored_unit:
            yield "dossier_no", known.units.get(stored_unit)


def refusal(kind: str, values: Mapping[str, Any], uploader_province: str | None, known: OnRecord) -> Refusal | None:
    """Why a provincial file may not take this row (its parsed values), or None: it may. National
    files (no province, or `00`) take every row."""
    if not is_provincial(uploader_province):
        return None
    unknown: Refusal | None = None
    placed = False
    for column, province in _clues(kind, values, known):
        if province == _UNKNOWN:
            reason = UNKNOWN_UNIT if column == "unit_code" else UNKNOWN_PERSON
            unknown = unknown or Refusal(column, reason)
        elif province is not None:
            if province != uploader_province:
                return Refusal(column, OTHER_PROVINCE)
            placed = True
    if unknown is not None and (unknown.reason == UNKNOWN_UNIT or not placed):
        return unknown
    return None
