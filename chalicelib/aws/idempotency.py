"""Powertools idempotency where a retry could act twice: a day's reminders run and the yearly
statement's tick (EventBridge delivers at least once). A second delivery answers the first's result.

Powertools' DynamoDBPersistenceLayer configures itself once, so each idempotent function has its own
layer and config, made lazily per `Services` (never at import: tests bind their own stack).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

Fn = Callable[..., dict[str, Any]]


class Idempotency:
    """The process's idempotent functions, one persistence layer and config each."""

    def __init__(self, table_name: str, client: Callable[[], Any]) -> None:
        self._table = table_name
        self._client = client
        self._made: dict[str, tuple[Fn, IdempotencyConfig]] = {}

    def wrap(self, name: str, fn: Fn, *, key: str, expires_s: int, context: Any = None) -> Fn:
        """`fn(data=…)` made idempotent on the JMESPath `key` of `data`. The Lambda context lets
        Powertools expire an in-progress record when the invocation that made it timed out."""
        if name not in self._made:
            layer = DynamoDBPersistenceLayer(table_name=self._table, boto3_client=self._client())
            config = IdempotencyConfig(
                event_key_jmespath=key, expires_after_seconds=expires_s, raise_on_no_idempotency_key=True
            )
            wrapped = idempotent_function(
                fn, data_keyword_argument="data", persistence_store=layer, config=config, key_prefix=f"bhxh.{name}"
            )
            self._made[name] = (wrapped, config)
        wrapped, config = self._made[name]
        if context is not None and hasattr(context, "get_remaining_time_in_millis"):
            config.register_lambda_context(context)
        return wrapped
