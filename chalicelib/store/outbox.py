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
from typing import TYPE_CHECKING, Any

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.status import NO_RECEIPT, NOTICE_MOVES, UNSENT, Status
from chalicelib.store.conditions import save_if, update_if, write_if
from chalicelib.store.models import NotificationModel, Tables

if TYPE_CHECKING:  # a type only: the functions that never read a receipt do not load its parser
    from chalicelib.domain.receipts import Receipt


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


# -- the moves by name: each caller says what happened, this module how it is written

PAUSED = "batch paused"  # a held notice's reason while its batch is paused
STOPPED = "batch stopped"  # a cancelled notice's reason
NEVER = "9999-12-31T23:59:59Z"  # the `send_after` of a notice no job may send again


def _as_read(item: NotificationModel) -> Condition:
    """Only if nothing moved the notice since `item` was read (its `updated_at` is as read)."""
    return type(item).updated_at == item.updated_at


def claim(tables: Tables, notice_id: str, claim_id: str, after: str | None, now: str) -> NotificationModel | None:
    """`created` → `sending` for the sender's claim `claim_id`, naming the notice claimed just before
    it (`after`); the attempt counted. Answered with the whole item, or None when not `created`."""
    model = tables.notifications
    sets = [model.attempts.add(1), model.updated_at.set(now), model.claim_id.set(claim_id)]
    sets.append(model.claim_after.set(after) if after else model.claim_after.remove())
    return move_answered(tables, notice_id, Status.SENDING, sets=sets)


def hold(tables: Tables, notice_id: str, now: str, *, expected: Status = Status.CREATED) -> bool:
    """A paused batch's notice waits: `held` (reason "batch paused"), only if it is still `expected`."""
    model = tables.notifications
    sets = [model.reason.set(PAUSED), model.send_after.set(now), model.updated_at.set(now)]
    return move(tables, notice_id, Status.HELD, sets=sets, expected=[expected])


def cancel(tables: Tables, notice_id: str, now: str, *, expected: Iterable[Status] = UNSENT) -> bool:
    """A stopped batch's notice ends `cancelled` (reason "batch stopped"), only if still unsent."""
    model = tables.notifications
    sets = [model.reason.set(STOPPED), model.updated_at.set(now)]
    return move(tables, notice_id, Status.CANCELLED, sets=sets, expected=expected)


def release(tables: Tables, notice_id: str, now: str) -> bool:
    """A held notice whose time has come goes back to be sent (`held` → `created`), its reason gone."""
    model = tables.notifications
    sets = [model.reason.remove(), model.updated_at.set(now)]
    return move(tables, notice_id, Status.CREATED, sets=sets, expected=[Status.HELD])


def retry(tables: Tables, notice_id: str, now: str) -> bool:
    """A temporary failure whose wait is over is sent again (`temporary-failure` → `created`)."""
    sets = [tables.notifications.updated_at.set(now)]
    return move(tables, notice_id, Status.CREATED, sets=sets, expected=[Status.TEMPORARY_FAILURE])


def give_up(tables: Tables, notice_id: str, reason: str, now: str) -> bool:
    """A temporary failure tried its last time ends `technical-failure`, `reason` saying so."""
    model = tables.notifications
    sets = [model.reason.set(reason), model.updated_at.set(now)]
    return move(tables, notice_id, Status.TECHNICAL_FAILURE, sets=sets, expected=[Status.TEMPORARY_FAILURE])


def send_again(tables: Tables, item: NotificationModel, reason: str, now: str, *, attempt_back: bool = False) -> bool:
    """A claimed notice surely never published goes back to be sent (`sending` → `created`), only while
    the claim as read still holds it; `attempt_back` takes back the attempt its claim counted."""
    model = tables.notifications
    sets = [model.reason.set(reason), model.send_after.set(now), model.updated_at.set(now)]
    if attempt_back:
        sets.append(model.attempts.add(-1))
    mine = _as_read(item) & (model.claim_id == item.claim_id)
    return move(tables, item.id, Status.CREATED, sets=sets, expected=[Status.SENDING], when=mine)


def settle(tables: Tables, item: NotificationModel, reason: str, now: str) -> bool:
    """A claimed notice its dead sender may have published ends `technical-failure`, never sent again,
    only if nothing moved it since it was read."""
    model = tables.notifications
    sets = [model.reason.set(reason), model.updated_at.set(now)]
    return move(tables, item.id, Status.TECHNICAL_FAILURE, sets=sets, expected=[Status.SENDING], when=_as_read(item))


def end_without_receipt(tables: Tables, item: NotificationModel, now: str) -> bool:
    """A notice `sent` with no receipt for good ends `temporary-failure` "no delivery receipt", out of
    the retry job's reach (`send_after` NEVER), only if nothing moved it since it was read."""
    model = tables.notifications
    sets = [model.reason.set(NO_RECEIPT), model.send_after.set(NEVER), model.updated_at.set(now)]
    return move(tables, item.id, Status.TEMPORARY_FAILURE, sets=sets, expected=[Status.SENT], when=_as_read(item))


def resend(tables: Tables, item: NotificationModel, *, phone: str, reason: str, now: str) -> bool:
    """A notice sent again from the console, to `phone` (`created` from its stored status), only if
    nothing moved it since it was read."""
    model = tables.notifications
    sets = [model.send_after.set(now), model.updated_at.set(now), model.reason.set(reason), model.phone.set(phone)]
    unchanged = _as_read(item) if item.updated_at else None
    return move(tables, item.id, Status.CREATED, sets=sets, expected=[Status(item.status)], when=unchanged)


def record_receipt(
    tables: Tables, notice_id: str, receipt: Receipt, now: str, *, send_after: str | None = None
) -> NotificationModel | None:
    """A delivery receipt's outcome on a `sent` notice, or on one the 72-hour rule ended (a late
    receipt corrects "no delivery receipt"): its status, reason, price, parts and carrier, and when a
    temporary failure may be sent again. Answered with the whole item, or None when not waiting."""
    model = tables.notifications
    sets = [model.updated_at.set(now), model.receipt_at.set(now)]
    sets.append(model.reason.set(receipt.reason) if receipt.reason is not None else model.reason.remove())
    if receipt.price_usd is not None:
        sets.append(model.price_usd.set(float(receipt.price_usd)))
    if receipt.parts is not None:
        sets.append(model.parts.set(receipt.parts))
    if receipt.carrier is not None:
        sets.append(model.carrier.set(receipt.carrier))
    if send_after is not None:
        sets.append(model.send_after.set(send_after))
    waiting = [Status.SENT, Status.TEMPORARY_FAILURE]  # a failure only when the 72-hour rule said so
    only_unconfirmed = (model.status != Status.TEMPORARY_FAILURE) | (model.reason == NO_RECEIPT)
    return move_answered(tables, notice_id, receipt.status, sets=sets, expected=waiting, when=only_unconfirmed)


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
