"""Conditional writes, the service's guard against doing a thing twice: a claim, a first put, a move
from one status to the next. A condition that does not hold is an answer (False), not an error; any
other failure still raises."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

_CONDITION_FAILED = "ConditionalCheckFailedException"


def _applied(write: Callable[[], Any]) -> bool:
    try:
        write()
    except (PutError, UpdateError, DeleteError) as exc:
        if exc.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


def save_if(item: Model, condition: Condition) -> bool:
    """Put `item` when `condition` holds on the stored one; False when it does not."""
    return _applied(lambda: item.save(condition=condition))


def update_if(item: Model, actions: Sequence[Any], condition: Condition) -> bool:
    """Update `item` (filled with the new values) when `condition` holds; False when it does not."""
    return _applied(lambda: item.update(actions=list(actions), condition=condition))


def delete_if(item: Model, condition: Condition) -> bool:
    """Delete `item` when `condition` holds; False when it does not."""
    return _applied(lambda: item.delete(condition=condition))
