"""Writes validated records in batches of 25; PynamoDB retries unprocessed items with backoff."""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from chalicelib.ingest.kinds import Record
from chalicelib.store.models import Tables

BATCH = 25


class RecordWriter:
    """Buffers records per table; a key seen twice in one batch keeps the later row (DynamoDB
    refuses duplicate keys in one BatchWriteItem, and the later row is the one the file means)."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._pending: dict[str, dict[str, Model]] = {}
        self.written = 0

    def put(self, record: Record) -> None:
        pending = self._pending.setdefault(record.table, {})
        pending[record.key] = self._model_for(record)
        if len(pending) >= BATCH:
            self._flush(record.table)

    def close(self) -> None:
        for table in list(self._pending):
            self._flush(table)

    def _flush(self, table: str) -> None:
        items = self._pending.pop(table, {})
        if not items:
            return
        model = getattr(self._tables, table)
        with model.batch_write() as batch:
            for item in items.values():
                batch.save(item)
        self.written += len(items)

    def _model_for(self, record: Record) -> Model:
        model = getattr(self._tables, record.table)
        if record.table == "ledger":
            facts: dict[str, Any] = {k: v for k, v in record.values.items() if k not in ("kind", "due_on")}
            return model(
                pk=record.key,
                kind=record.values["kind"],
                facts=facts,
                due_on=record.values.get("due_on"),
                ss_code=record.values.get("ss_code"),
            )
        return model(**record.values)
