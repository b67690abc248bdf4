"""What a kind of batch file is: its columns (required or not, how each value is read), the checks
across columns, and the record a valid row becomes. Pure: a row in, a record or reasons out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
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
    the stage's key for hashing ID numbers (None where the stage has none), the file it is read
    from and its S3 version (together the first half of a fact's `source`, its batch), and the columns
    its header names (None: every column of the kind; a column it does not name keeps the stored
    value). `taken_at` (UTC ISO) is when the upload was taken: the upload order of facts that say when
    they were true (a dossier's state, ordered by its own date first)."""

    now: datetime
    id_hash_key: bytes | None = None
    file: str | None = None
    version: str | None = None
    columns: frozenset[str] | None = None
    taken_at: str | None = None


class MissingIdHashKey(RuntimeError):
    """The stage has no ID_HASH_KEY: a configuration error, retried and then dead-lettered, never a
    reason to store an ID number in clear."""


Check = Callable[[Values], RowError | None]
Build = Callable[[Values, Context], Record]


@dataclass(frozen=True)
class Kind:
    """`facts`: rows become ledger facts (their values under `facts`, `ss_code` copied beside them);
    else items of their own table. `stored_as` names a column kept under another attribute
    (`id_number` is stored only as `id_hash`). `ordered`: a later row with the same key must win
    even in another chunk of the file, so its chunks are written one after another."""

    name: str
    columns: Mapping[str, Column]
    build: Build
    checks: tuple[Check, ...] = field(default=())
    facts: bool = False
    stored_as: Mapping[str, str] = field(default_factory=dict)
    ordered: bool = False

    @property
    def required(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.required]

    def kept(self, columns: frozenset[str] | None) -> frozenset[str]:
        """The stored attributes a file with these columns leaves alone: those of the optional
        columns it does not carry (CONTRACT: an absent column keeps the stored value)."""
        if columns is None:
            return frozenset()
        absent = [name for name in self.columns if name not in columns]
        if self.facts:
            paths = {f"facts.{name}" for name in absent}
            if "ss_code" in absent:
                paths.add("ss_code")
            return frozenset(paths)
        return frozenset(self.stored_as.get(name, name) for name in absent)


def parse_row(kind: Kind, row: Mapping[str, str], ctx: Context) -> tuple[Record | None, list[RowError]]:
    """A record for a valid row, else every reason it is not (one per column at most, then the
    checks across columns once every column is valid)."""
    values: Values = {}
    errors: list[RowError] = []
    for name, column in kind.columns.items():
        if ctx.columns is not None and name not in ctx.columns:
            continue  # a column the file does not carry: its stored value stays (Record.keep)
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
    record = kind.build(values, ctx)
    keep = _kept(kind, ctx.columns)
    return (replace(record, keep=keep) if keep else record), []


_KEPT: dict[tuple[str, frozenset[str] | None], frozenset[str]] = {}


def _kept(kind: Kind, columns: frozenset[str] | None) -> frozenset[str]:
    """`kind.kept(columns)`, worked out once per kind and header, not once per row."""
    key = (kind.name, columns)
    if key not in _KEPT:
        _KEPT[key] = kind.kept(columns)
    return _KEPT[key]


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
