"""The province check between a provincial file's valid rows and where they go (the writer, or the
console's preview): rows are held a hundred at a time, the people, units and dossiers they name read
with one BatchGetItem per table, and each row judged by `domain.province.refusal`. A refused row is
reported like any rejected row; a national file's rows pass straight through, with no read at all.

What is read is cached for the chunk (the gate lives as long as its piece), so a file that names
the same units again and again reads each once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from chalicelib.domain.province import (
    UNIT_KINDS,
    OnRecord,
    PersonPlace,
    is_provincial,
    refusal,
    ss_code_of,
)
from chalicelib.ingest.kinds import Kind, Record
from chalicelib.ingest.reader import Row
from chalicelib.ingest.report import ErrorRows
from chalicelib.store.models import Tables

HELD = 100  # rows judged together: BatchGetItem's limit of keys per call
_FILLED = frozenset({"people", "employers"})  # a new one in a provincial file is of that province


class Into(Protocol):
    def put(self, record: Record) -> None: ...


class Tallied(Protocol):
    accepted: int


class Gate:
    """Passes every record on: a national file's."""

    refused: Counter[str]

    def __init__(self, into: Into) -> None:
        self._into = into
        self.refused = Counter()

    def put(self, record: Record, row: Row) -> None:
        self._into.put(record)

    def close(self) -> None:
        """Every held row judged and passed on or reported (call before counting the piece)."""


class ProvinceGate(Gate):
    """Holds a provincial file's records until their keys are read, then passes on those it may take."""

    def __init__(
        self, kind: Kind, province: str, tables: Tables, into: Into, rejected: ErrorRows, tally: Tallied
    ) -> None:
        super().__init__(into)
        self._kind, self._province, self._tables = kind, province, tables
        self._rejected, self._tally = rejected, tally
        self._held: list[tuple[Record, Row]] = []
        self._people: dict[str, PersonPlace | None] = {}
        self._units: dict[str, str | bool | None] = {}  # False: not on record
        self._dossiers: dict[str, tuple[str | None, str | None] | None] = {}

    def put(self, record: Record, row: Row) -> None:
        self._held.append((record, row))
        if len(self._held) >= HELD:
            self.close()

    def close(self) -> None:
        if not self._held:
            return
        held, self._held = self._held, []
        known = self._look_up([self._values(r) for r, _ in held])
        for record, row in held:
            values = self._values(record)
            refused = refusal(self._kind.name, values, self._province, known)
            if refused is None:
                if self._kind.name in _FILLED and not values.get("province_code"):
                    record.item["province_code"] = self._province  # kept if already stored
                self._into.put(record)
                continue
            self.refused[refused.reason] += 1
            self._tally.accepted -= 1
            self._rejected.add(row.line, [(refused.column, refused.reason)], row.raw)

    def _values(self, record: Record) -> dict[str, Any]:
        return record.item["facts"] if self._kind.facts else record.item

    def _look_up(self, rows: list[dict[str, Any]]) -> OnRecord:
        kind = self._kind.name
        people = {s for v in rows if (s := ss_code_of(kind, v))}
        dossiers = {v["dossier_no"] for v in rows if kind == "dossiers"}
        self._read_dossiers(dossiers - self._dossiers.keys())
        people |= {ss for d in dossiers if (stored := self._dossiers.get(d)) and (ss := stored[0])}
        self._read_people(people - self._people.keys())
        units = {u for v in rows if kind in UNIT_KINDS and (u := v.get("unit_code"))}
        units |= {p.unit_code for s in people if (p := self._people.get(s)) and p.unit_code}
        units |= {u for d in dossiers if (stored := self._dossiers.get(d)) and (u := stored[1])}
        self._read_units(units - self._units.keys())
        return OnRecord(
            people={s: p for s in people if (p := self._people.get(s)) is not None},
            units={u: p for u in units if (p := self._units.get(u)) is not False},  # type: ignore[misc]
            dossiers={d: s for d in dossiers if (s := self._dossiers.get(d)) is not None},
        )

    def _read_people(self, keys: set[str]) -> None:
        if not keys:
            return
        self._people.update(dict.fromkeys(keys))
        attrs = ["ss_code", "province_code", "unit_code"]
        for item in self._tables.people.batch_get(sorted(keys), attributes_to_get=attrs):
            self._people[item.ss_code] = PersonPlace(item.province_code, item.unit_code)

    def _read_units(self, keys: set[str]) -> None:
        if not keys:
            return
        self._units.update(dict.fromkeys(keys, False))
        for item in self._tables.employers.batch_get(sorted(keys), attributes_to_get=["unit_code", "province_code"]):
            self._units[item.unit_code] = item.province_code

    def _read_dossiers(self, keys: set[str]) -> None:
        if not keys:
            return
        self._dossiers.update(dict.fromkeys(keys))
        for item in self._tables.ledger.batch_get(sorted(f"dossier#{k}" for k in keys)):
            facts = item.facts_dict()
            self._dossiers[item.pk.removeprefix("dossier#")] = (facts.get("ss_code"), facts.get("unit_code"))


def gate(kind: Kind, province: str | None, tables: Tables, into: Into, rejected: ErrorRows, tally: Tallied) -> Gate:
    """The gate a file's rows go through: the province check for a provincial file, else none."""
    if province is not None and is_provincial(province):
        return ProvinceGate(kind, province, tables, into, rejected, tally)
    return Gate(into)
