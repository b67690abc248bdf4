"""Writes of whole outbox items that are not a notice's own life: what stays of a notice once the
TTL removed it with its personal data (notify/retention.py), 25 to a BatchWriteItem call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from chalicelib.store.models import Tables


def _plain(value: Any) -> Any:
    """A stream image's value as PynamoDB takes it (stream numbers come as Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def put_kept(tables: Tables, items: Iterable[Mapping[str, Any]]) -> int:
    """Put each item as given (replacing any item of its key); returns how many."""
    model = tables.notifications
    written = 0
    with model.batch_write() as batch:
        for values in items:
            plain = {name: _plain(value) for name, value in values.items()}
            batch.save(model(plain.pop("id"), **plain))
            written += 1
    return written
