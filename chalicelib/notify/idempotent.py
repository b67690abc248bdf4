"""Powertools idempotency where a retry could act twice: a send attempt (stream redelivery, a
retried batch) and a day's reminders run (EventBridge delivers at least once).

The outbox's claim (`created` → `sending`) already stops a second publish; the idempotency record
also answers a redelivered record with the first outcome without touching the outbox. Powertools'
DynamoDBPersistenceLayer configures itself once, so each idempotent function has its own,
made lazily for the process's services (never at import: tests bind their own stack).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from chalicelib.services import Services

Fn = Callable[..., dict[str, Any]]
_made: dict[int, tuple[Services, dict[str, Fn]]] = {}
_configs: dict[str, IdempotencyConfig] = {}


def idempotent(svc: Services, name: str, fn: Fn, *, key: str, expires_s: int) -> Fn:
    """`fn(data=…)` made idempotent on the JMESPath `key` of `data`, one persistence layer each."""
    entry = _made.get(id(svc))
    if entry is None or entry[0] is not svc:
        entry = _made[id(svc)] = (svc, {})
    made = entry[1]
    if name not in made:
        layer = DynamoDBPersistenceLayer(table_name=svc.settings.name("idempotency"), boto3_client=svc.clients.dynamodb)
        config = IdempotencyConfig(
            event_key_jmespath=key, expires_after_seconds=expires_s, raise_on_no_idempotency_key=True
        )
        _configs[name] = config
        made[name] = idempotent_function(
            fn, data_keyword_argument="data", persistence_store=layer, config=config, key_prefix=f"bhxh.{name}"
        )
    return made[name]


def register_context(name: str, context: Any) -> None:
    """Let Powertools expire an in-progress record when the invocation that made it timed out."""
    config = _configs.get(name)
    if config is not None and context is not None and hasattr(context, "get_remaining_time_in_millis"):
        config.register_lambda_context(context)
