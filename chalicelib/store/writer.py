"""Writes records with BatchWriteItem, 25 at a time, skipping items that would not change.

Before writing, the keys of up to 100 pending records are read with one BatchGetItem; a record
whose stored item is already the same is not written again, so a re-uploaded file (or the part of
a file written before a crash) puts nothing on the table's stream and spends no write capacity.
Unprocessed items and keys are retried with exponential backoff and jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from chalicelib.store.models import Tables

WRITE_BATCH = 25  # BatchWriteItem's limit
READ_BATCH = 100  # BatchGetItem's limit
MAX_ATTEMPTS = 10

_serializer = TypeSerializer()


@dataclass(frozen=True)
class Record:
    """A valid row, ready to store. `table` names the Tables attribute, `key` the item's identity
    (two rows with the same key in one file: the later wins), `item` its attributes, plain Python.
    `volatile` names attributes whose difference alone is not a change (recomputed from the clock)."""

    table: str
    key: str
    item: dict[str, Any]
    volatile: frozenset[str] = frozenset()

    def traced(self, source: str) -> Record:
        """The ledger record with `source` (`<file>#<line>`), the correlation id its notices and
        their logs carry. Volatile: the same fact in another file is unchanged, and keeps the source
        it was first told from."""
        if self.table != "ledger":
            return self
        return replace(self, item={**self.item, "source": source}, volatile=self.volatile | {"source"})


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
    requests: int = 0  # BatchWriteItem and BatchGetItem calls, retries included


@dataclass
class _Pending:
    records: dict[str, tuple[Record, dict[str, Any]]] = field(default_factory=dict)


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
    ) -> None:
        self._client = client
        self._tables = tables
        self._skip_unchanged = skip_unchanged
        self._sleep = sleep
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
        shape = self._shape(table)
        items = list(pending.records.values())
        if self._skip_unchanged:
            stored = self._read(shape, [_key(shape, item) for _, item in items])
            fresh = [(r, i) for r, i in items if not _same(stored.get(_key_id(shape, i)), i, r.volatile)]
            self.stats.unchanged += len(items) - len(fresh)
            items = fresh
        for start in range(0, len(items), WRITE_BATCH):
            chunk = [item for _, item in items[start : start + WRITE_BATCH]]
            self._write(shape, chunk)
            self.stats.written += len(chunk)

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
    """Plain Python (str, int, bool, flat dict) → DynamoDB's wire format."""
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


def _key(shape: _Table, item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in shape.keys}


def _key_id(shape: _Table, item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(next(iter(item[name].values())) for name in shape.keys)


def _same(stored: dict[str, Any] | None, new: dict[str, Any], volatile: frozenset[str]) -> bool:
    if stored is None:
        return False
    if not volatile:
        return stored == new
    return {k: v for k, v in stored.items() if k not in volatile} == {k: v for k, v in new.items() if k not in volatile}
