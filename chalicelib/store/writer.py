"""Writes records with BatchWriteItem, 25 at a time, skipping items that would not change.

Before writing, the keys of up to 100 pending records are read with one BatchGetItem; a record
whose stored item is already the same is not written again, so a re-uploaded file (or the part of
a file written before a crash) puts nothing on the table's stream and spends no write capacity.
The same read lets a record keep stored attributes its file does not carry (`Record.keep`), and
lets the caller see what a write changes (`changes`: a phone moved) before it is made.
Unprocessed items and keys are retried with exponential backoff and jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from chalicelib.store.models import Tables

WRITE_BATCH = 25  # BatchWriteItem's limit
READ_BATCH = 100  # BatchGetItem's limit
MAX_ATTEMPTS = 10

_serializer = TypeSerializer()
_SOURCE = frozenset({"source"})


@dataclass(frozen=True)
class Record:
    """A valid row, ready to store. `table` names the Tables attribute, `key` the item's identity
    (two rows with the same key in one file: the later wins), `item` its attributes, plain Python.
    `volatile` names attributes whose difference alone is not a change (recomputed from the clock).
    `keep` names stored attributes the record leaves as they are (`phone`, or `facts.period` inside
    a ledger item's facts): its file does not carry them. `ordered_by` names an attribute whose
    text orders the record's versions (a dossier's `as_of`): a stored item whose value is greater
    is newer and is never overwritten; such a record is put with that condition."""

    table: str
    key: str
    item: dict[str, Any]
    volatile: frozenset[str] = frozenset()
    keep: frozenset[str] = frozenset()
    origin: str | None = None  # `<file>#<line>`: the row it came from
    ordered_by: str | None = None

    def traced(self, source: str) -> Record:
        """The record of the row `source` (`<file>#<line>`); a ledger record also stores it as
        `source`, the correlation id its notices and their logs carry. Volatile: the same fact in
        another file is unchanged, and keeps the source it was first told from."""
        # built directly, not by dataclasses.replace: this runs for every row of every file
        if self.table != "ledger":
            return Record(self.table, self.key, self.item, self.volatile, self.keep, source, self.ordered_by)
        item = {**self.item, "source": source}
        return Record(self.table, self.key, item, self.volatile | _SOURCE, self.keep, source, self.ordered_by)


class Unprocessed(RuntimeError):
    """DynamoDB kept refusing part of a batch after every retry; the file will be retried whole."""


@dataclass(frozen=True)
class _Table:
    name: str
    keys: tuple[str, ...]


@dataclass
class WriteStats:
    written: int = 0  # items put
    unchanged: int = 0  # items skipped: already stored as they are
    stale: int = 0  # items skipped: a newer version is stored (Record.ordered_by)
    requests: int = 0  # BatchWriteItem and BatchGetItem calls, retries included


@dataclass
class _Pending:
    records: dict[str, tuple[Record, dict[str, Any]]] = field(default_factory=dict)


Wire = dict[str, Any]  # an item in DynamoDB's wire format
# told, before a batch is written, of each record that changes its stored item (stored None: a new
# one) and the item as it will be; returns records to write first (a fact about the change)
Changes = Callable[[Record, Wire | None, Wire], Iterable[Record]]


class RecordWriter:
    """Buffers records per table; a key seen twice before its batch is written keeps the later row
    (DynamoDB refuses duplicate keys in one batch, and the later row is the one the file means)."""

    def __init__(
        self,
        client: Any,
        tables: Tables,
        *,
        skip_unchanged: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        changes: Changes | None = None,
    ) -> None:
        self._client = client
        self._tables = tables
        self._skip_unchanged = skip_unchanged
        self._sleep = sleep
        self._changes = changes
        self._pending: dict[str, _Pending] = {}
        self._shapes: dict[str, _Table] = {}
        self.stats = WriteStats()

    def put(self, record: Record) -> None:
        pending = self._pending.setdefault(record.table, _Pending())
        pending.records[record.key] = (record, serialize(record.item))
        if len(pending.records) >= READ_BATCH:
            self._flush(record.table)

    def close(self) -> None:
        for table in list(self._pending):
            self._flush(table)

    def _flush(self, table: str) -> None:
        pending = self._pending.pop(table, None)
        if not pending or not pending.records:
            return
        self._store(table, list(pending.records.values()), self._changes)

    def _store(self, table: str, items: list[tuple[Record, Wire]], changes: Changes | None) -> None:
        shape = self._shape(table)
        if self._skip_unchanged or changes or any(r.keep or r.ordered_by for r, _ in items):
            stored = self._read(shape, [_key(shape, item) for _, item in items])
            fresh = []
            for record, item in items:
                before = stored.get(_key_id(shape, item))
                merged = _merged(item, before, record.keep)
                if _older(record, before, merged):
                    self.stats.stale += 1
                    continue
                if self._skip_unchanged and _same(before, merged, record.volatile):
                    self.stats.unchanged += 1
                    continue
                fresh.append((record, merged, before))
            if changes:
                first = [(r, serialize(r.item)) for rec, merged, before in fresh for r in changes(rec, before, merged)]
                for other in {r.table for r, _ in first}:  # facts about a change land before the change
                    self._store(other, [(r, i) for r, i in first if r.table == other], None)
            items = [(record, merged) for record, merged, _ in fresh]
        for record, item in [(r, i) for r, i in items if r.ordered_by]:
            self._put_if_newer(shape, item, str(record.ordered_by))
        items = [(r, i) for r, i in items if not r.ordered_by]
        for start in range(0, len(items), WRITE_BATCH):
            chunk = [item for _, item in items[start : start + WRITE_BATCH]]
            self._write(shape, chunk)
            self.stats.written += len(chunk)

    def _put_if_newer(self, shape: _Table, item: Wire, order: str) -> None:
        """One conditional put: BatchWriteItem takes no condition, and another file may have stored
        a newer version since the read (two uploads of different names run at once)."""
        self.stats.requests += 1
        try:
            self._client.put_item(
                TableName=shape.name,
                Item=item,
                ConditionExpression="attribute_not_exists(#order) OR #order <= :order",
                ExpressionAttributeNames={"#order": order},
                ExpressionAttributeValues={":order": item[order]},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            self.stats.stale += 1
            return
        self.stats.written += 1

    def _shape(self, table: str) -> _Table:
        if table not in self._shapes:
            model = getattr(self._tables, table)
            keys = [model._hash_keyname]
            if model._range_keyname:
                keys.append(model._range_keyname)
            self._shapes[table] = _Table(model.Meta.table_name, tuple(keys))
        return self._shapes[table]

    def _read(self, shape: _Table, keys: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
        found: dict[tuple[str, ...], dict[str, Any]] = {}
        request: dict[str, Any] = {shape.name: {"Keys": keys, "ConsistentRead": True}}
        for attempt in range(MAX_ATTEMPTS):
            self.stats.requests += 1
            answer = self._client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(shape.name, []):
                found[_key_id(shape, item)] = item
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
            self._backoff(attempt)
        raise Unprocessed(f"{shape.name}: keys still unprocessed after {MAX_ATTEMPTS} attempts")

    def _write(self, shape: _Table, items: Iterable[dict[str, Any]]) -> None:
        request: dict[str, Any] = {shape.name: [{"PutRequest": {"Item": item}} for item in items]}
        for attempt in range(MAX_ATTEMPTS):
            self.stats.requests += 1
            answer = self._client.batch_write_item(RequestItems=request)
            request = answer.get("UnprocessedItems") or {}
            if not request:
                return
            self._backoff(attempt)
        raise Unprocessed(f"{shape.name}: items still unprocessed after {MAX_ATTEMPTS} attempts")

    def _backoff(self, attempt: int) -> None:
        """Full jitter: up to 50 ms, doubling, capped at 5 s."""
        self._sleep(random.uniform(0, min(5.0, 0.05 * 2**attempt)))


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    """Plain Python (str, int, bool, flat dict) → DynamoDB's wire format, as boto3's serializer
    writes it (a third of what that costs: it runs for every row of every file)."""
    return {name: _wire(value) for name, value in item.items() if value is not None}


def _wire(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": {k: _wire(v) for k, v in value.items()}}
    return _serializer.serialize(value)


def _key(shape: _Table, item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in shape.keys}


def _key_id(shape: _Table, item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(next(iter(item[name].values())) for name in shape.keys)


def _merged(item: Wire, stored: Wire | None, keep: frozenset[str]) -> Wire:
    """The item with the kept attributes taken from the stored one (where it has them)."""
    if not keep or stored is None:
        return item
    out = dict(item)
    for path in keep:
        top, _, inner = path.partition(".")
        if not inner:
            if top in stored:
                out[top] = stored[top]
            continue
        kept = (stored.get(top) or {}).get("M", {})
        if inner in kept:
            out[top] = {"M": {**(out.get(top) or {}).get("M", {}), inner: kept[inner]}}
    return out


def _older(record: Record, stored: Wire | None, new: Wire) -> bool:
    """The stored item is a newer version than `new` (by `record.ordered_by`)."""
    if record.ordered_by is None or stored is None or record.ordered_by not in stored:
        return False
    return _text_of(stored[record.ordered_by]) > _text_of(new.get(record.ordered_by))


def _text_of(value: Wire | None) -> str:
    return str(value.get("S", "")) if isinstance(value, dict) else ""


def _same(stored: dict[str, Any] | None, new: dict[str, Any], volatile: frozenset[str]) -> bool:
    if stored is None:
        return False
    if not volatile:
        return stored == new
    return {k: v for k, v in stored.items() if k not in volatile} == {k: v for k, v in new.items() if k not in volatile}
