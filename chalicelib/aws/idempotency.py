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
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

Fn = Callable[..., dict[str, Any]]


class Idempotency:
    """The process's idempotent functions, one persistence layer and config each."""

    def __init__(self, table_name: str, client: Callable[[], Any]) -> None:
        self._table = table_name
        self._client = client
        self._made: dict[str, tuple[Fn, IdempotencyConfig]] = {}
        self._context: Any = None

    def use_context(self, context: Any) -> None:
        """The invocation's Lambda context, registered first thing in a handler (as Powertools'
        examples do), so Powertools can expire an in-progress record whose invocation timed out."""
        self._context = context if hasattr(context, "get_remaining_time_in_millis") else None
        for _, config in self._made.values():
            config.register_lambda_context(self._context)

    def wrap(self, name: str, fn: Fn, *, key: str, expires_s: int) -> Fn:
        """`fn(data=…)` made idempotent on the JMESPath `key` of `data` (made once per name)."""
        if name not in self._made:
            layer = DynamoDBPersistenceLayer(table_name=self._table, boto3_client=self._client())
            config = IdempotencyConfig(
                event_key_jmespath=key, expires_after_seconds=expires_s, raise_on_no_idempotency_key=True
            )
            config.register_lambda_context(self._context)
            wrapped = idempotent_function(
                fn, data_keyword_argument="data", persistence_store=layer, config=config, key_prefix=f"bhxh.{name}"
            )
            self._made[name] = (wrapped, config)
        return self._made[name][0]


def run_anyway_if_in_progress(wrapped: Fn, fn: Fn, data: dict[str, Any]) -> dict[str, Any]:
    """`wrapped(data=…)`, or `fn(data=…)` itself when Powertools finds the key in progress. That is
    mostly no other run at all: the in-progress record's put had its answer lost (a timeout after
    DynamoDB wrote it) and botocore's retry found it, or the run that wrote it was killed; either way
    it blocks every retry until the function's timeout has passed, and a killed 15 January tick had no
    later run to catch it up (issue 24). The ticks may run twice: the outbox's conditional put tells
    nobody twice; Powertools only saves the repeated work."""
    try:
        return wrapped(data=data)
    except IdempotencyAlreadyInProgressError:
        return fn(data=data)
