"""Each kind of batch file: its columns, which are required, how each value is read, and what
record a valid row becomes. Pure: a row in, a record or reasons out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain import identifiers
from chalicelib.domain.dates import parse_date, parse_month
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.money import parse_vnd
from chalicelib.domain.phones import normalize_mobile

Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    parse: Parser
    required: bool = False


@dataclass(frozen=True)
class RowError:
    column: str
    reason: str


@dataclass(frozen=True)
class Record:
    """A valid row, ready to store: `table` names the model, `key` its identity within the file."""

    table: str
    key: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Kind:
    name: str
    columns: Mapping[str, Column]
    to_record: Callable[[dict[str, Any]], Record]
    checks: tuple[Callable[[dict[str, Any]], RowError | None], ...] = field(default=())

    @property
    def required(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.required]


def _text(raw: str) -> str:
    return raw.strip()


def _iso_date(raw: str) -> str:
    return parse_date(raw).isoformat()


def _province(raw: str) -> str:
    text = raw.strip()
    if not (text.isdigit() and len(text) == 2):
        raise InvalidValue("province_code must be 2 digits")
    return text


def _payment_id(raw: str) -> str:
    text = raw.strip().upper()
    if not text or len(text) > 64 or any(ch.isspace() or ch == "#" for ch in text):
        raise InvalidValue("payment_id must be up to 64 characters without spaces or '#'")
    return text


def _employer(v: dict[str, Any]) -> Record:
    return Record("employers", v["unit_code"], v)


def _payment(v: dict[str, Any]) -> Record:
    return Record("ledger", f"payment#{v['payment_id']}", {"kind": "payment", **v})


KINDS: dict[str, Kind] = {
    "employers": Kind(
        "employers",
        {
            "unit_code": Column(identifiers.unit_code, required=True),
            "name": Column(_text, required=True),
            "rep_phone": Column(normalize_mobile),
            "province_code": Column(_province),
        },
        _employer,
    ),
    "payments": Kind(
        "payments",
        {
            "payment_id": Column(_payment_id, required=True),
            "unit_code": Column(identifiers.unit_code, required=True),
            "paid_on": Column(_iso_date, required=True),
            "amount_vnd": Column(parse_vnd, required=True),
            "period": Column(parse_month),
        },
        _payment,
    ),
}


def parse_row(kind: Kind, row: Mapping[str, str]) -> tuple[Record | None, list[RowError]]:
    """A record for a valid row, else every reason it is not (one per column at most)."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, column in kind.columns.items():
        raw = (row.get(name) or "").strip()
        if not raw:
            if column.required:
                errors.append(RowError(name, "required value missing"))
            continue
        try:
            values[name] = column.parse(raw)
        except InvalidValue as exc:
            errors.append(RowError(name, str(exc)))
    if not errors:
        errors.extend(e for check in kind.checks if (e := check(values)) is not None)
    return (None, errors) if errors else (kind.to_record(values), [])
