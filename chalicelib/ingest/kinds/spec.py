"""What a kind of batch file is: its columns (required or not, how each value is read), the checks
across columns, and the record a valid row becomes. Pure: a row in, a record or reasons out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib.domain.errors import InvalidValue
from chalicelib.store.writer import Record

Parser = Callable[[str], Any]
Values = dict[str, Any]


@dataclass(frozen=True)
class Column:
    parse: Parser
    required: bool = False


@dataclass(frozen=True)
class RowError:
    column: str
    reason: str


@dataclass(frozen=True)
class Context:
    """What a record may depend on besides its row: the clock at ingest (arrears' sending day),
    the stage's key for hashing ID numbers (None where the stage has none), and the file it is read
    from (the first half of a fact's `source`)."""

    now: datetime
    id_hash_key: bytes | None = None
    file: str | None = None


class MissingIdHashKey(RuntimeError):
    """The stage has no ID_HASH_KEY: a configuration error, retried and then dead-lettered, never a
    reason to store an ID number in clear."""


Check = Callable[[Values], RowError | None]
Build = Callable[[Values, Context], Record]


@dataclass(frozen=True)
class Kind:
    name: str
    columns: Mapping[str, Column]
    build: Build
    checks: tuple[Check, ...] = field(default=())

    @property
    def required(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.required]


def parse_row(kind: Kind, row: Mapping[str, str], ctx: Context) -> tuple[Record | None, list[RowError]]:
    """A record for a valid row, else every reason it is not (one per column at most, then the
    checks across columns once every column is valid)."""
    values: Values = {}
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
    if errors:
        return None, errors
    return kind.build(values, ctx), []


def plain(table: str, *key_columns: str) -> Build:
    """A row stored as it is, in its own table (people, employers, history)."""

    def build(values: Values, ctx: Context) -> Record:
        return Record(table, "#".join(str(values[c]) for c in key_columns), dict(values))

    return build


Due = Callable[[Values, Context], date | None]


def ledger(kind: str, *id_columns: str, due: Due | None = None, volatile_due: bool = False) -> Build:
    """A notifiable fact: `pk` = `<kind>#<id>`, the row's values as `facts`, `ss_code` copied for the
    `by_person` index, and `due_on` when the fact has a reminder."""

    def build(values: Values, ctx: Context) -> Record:
        pk = f"{kind}#" + "#".join(str(values[c]) for c in id_columns)
        item: dict[str, Any] = {"pk": pk, "kind": kind, "facts": dict(values)}
        if "ss_code" in values:
            item["ss_code"] = values["ss_code"]
        when = due(values, ctx) if due else None
        if when is not None:
            item["due_on"] = when.isoformat()
        return Record("ledger", pk, item, frozenset({"due_on"}) if volatile_due else frozenset())

    return build
