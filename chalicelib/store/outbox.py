"""The outbox's writes: every write of a notice's status is here, conditional on the moves
domain/status.py allows (`NOTICE_MOVES`), so the table refuses a move the code forbids whoever asks;
and the write-back of what stays of a notice once the TTL removed it with its personal data
(notify/retention.py), 25 to a BatchWriteItem call.

A move is one conditional write, as before: `status IN <the allowed sources>` (narrowed to what the
caller read, when it says) and the caller's own condition. A stored status the move may not leave
is a refused write, answered False (or None); asking for a move the table forbids is a bug, raised
as `ForbiddenMove` before any call. No read is added: the conditions ride on the writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.status import NOTICE_MOVES, Status
from chalicelib.store.conditions import save_if, update_if, write_if
from chalicelib.store.models import NotificationModel, Tables


def _from(model: type[NotificationModel], target: Status, expected: Iterable[Status] | None) -> Condition:
    """`status IN` the statuses the notice may move to `target` from (those `expected` only)."""
    sources = NOTICE_MOVES.sources(target) if expected is None else frozenset(expected)
    for source in sources:
        NOTICE_MOVES.check(source, target)
    if not sources:
        raise ValueError(f"a move to {target.value} from no status")
    return model.status.is_in(*sorted(sources))


def _others(actions: Sequence[Action]) -> list[Action]:
    """The move's other attributes; its status is the move's own, never set beside it."""
    for action in actions:
        if action.values[0].path[:1] == ["status"]:
            raise ValueError("a notice's status is set by its move (store/outbox.py), not as an action")
    return list(actions)


def _move_args(
    tables: Tables, target: Status, sets: Sequence[Action], expected: Iterable[Status] | None, when: Condition | None
) -> tuple[list[Action], Condition]:
    model = tables.notifications
    condition = _from(model, target, expected)
    if when is not None:
        condition &= when
    return [model.status.set(target), *_others(sets)], condition


def move(
    tables: Tables,
    notice_id: str,
    target: Status,
    *,
    sets: Sequence[Action] = (),
    expected: Iterable[Status] | None = None,
    when: Condition | None = None,
) -> bool:
    """Move the notice to `target` (setting `sets` too) if its stored status may move there (and is
    one of `expected`, and `when` holds): one UpdateItem with no answer. False when refused."""
    actions, condition = _move_args(tables, target, sets, expected, when)
    return write_if(tables.notifications(notice_id), actions, condition)


def move_answered(
    tables: Tables,
    notice_id: str,
    target: Status,
    *,
    sets: Sequence[Action] = (),
    expected: Iterable[Status] | None = None,
    when: Condition | None = None,
) -> NotificationModel | None:
    """`move`, answered with the whole item as it now is (the sender's claim, a receipt): None when
    refused."""
    actions, condition = _move_args(tables, target, sets, expected, when)
    item = tables.notifications(notice_id)
    return item if update_if(item, actions, condition) else None


def put_new(tables: Tables, item: NotificationModel) -> bool:
    """A new notice (`created`, `held` or `unreachable`): False when its key is taken (the fact was
    told before)."""
    NOTICE_MOVES.check(None, Status(item.status))
    return save_if(item, tables.notifications.id.does_not_exist())


def finish(item: NotificationModel, target: Status) -> bool:
    """The sender's outcome: `item` (the claim's answer, its attributes set by the caller) written
    whole with `target`, one PutItem, only while its claim still holds it (`sending`, the same claim
    id). False when something moved it meanwhile: nothing is overwritten; True when the put was
    refused only because its own earlier try (answer lost) had written it."""
    NOTICE_MOVES.check(Status.SENDING, target)
    model = type(item)
    condition = model.status == Status.SENDING
    if item.claim_id:
        condition &= model.claim_id == item.claim_id
    item.status = target
    return save_if(item, condition) or _written_already(item)


def _written_already(item: NotificationModel) -> bool:
    """Whether the stored notice is this very outcome: botocore retries a put whose answer was lost
    (a read timeout after DynamoDB applied it), and the retry's condition then fails on its own
    write. One consistent read, only when the put was refused. A sent outcome is told by its
    provider id, which only its own publish has; any other by its status, claim, time and reason."""
    try:
        stored = type(item).get(item.id, consistent_read=True)
    except type(item).DoesNotExist:
        return False
    if item.status == Status.SENT:
        return bool(item.provider_id) and stored.provider_id == item.provider_id
    mine = (stored.status, stored.claim_id, stored.updated_at, stored.reason)
    return mine == (item.status, item.claim_id, item.updated_at, item.reason)


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
