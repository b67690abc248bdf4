"""Batch control (team.md, "Batch control"; CONTRACT, "Batches can be stopped"): the unsent notices
of one batch file can wait, go on, or be cancelled; nothing already sent is affected.

A batch is the S3 key of the file its facts came from (`incoming/<kind>/<name>.csv`), which every
outbox item of it carries as `batch` (GSI `by_batch`). Its state is one guard item,
`batch#<file key>`, and it is what holds: the sender reads it before its claim (a notice of a paused
batch goes `held`, one of a stopped batch `cancelled`), and the 15-minute job leaves a paused batch's
held notices where they are and cancels a stopped batch's. So pausing a file of any size is one
write. Each call also moves at once up to `MOVE_AT_ONCE` of the file's notices (in the console's
request: bounded), so the counts it returns show the change; the sender and the 15-minute job move
the rest as they reach them (resumed notices within 15 minutes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from enum import StrEnum

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.status import UNSENT, Status
from chalicelib.store.conditions import write_if
from chalicelib.store.models import NotificationModel, Tables

BatchCounts = dict[str, int]  # the batch's notices by status (`created`, `sent`, `cancelled`, …)
MOVE_AT_ONCE = 2000  # notices a console request moves itself; the rest follow (module docstring)
PAUSED = "batch paused"
STOPPED = "batch stopped"


class BatchState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


def _state_key(file_key: str) -> str:
    return f"batch#{file_key}"


def batch_state(tables: Tables, file_key: str) -> BatchState:
    """The batch's state (`active` when never paused or stopped): one consistent read by key."""
    try:
        item = tables.guard.get(_state_key(file_key), consistent_read=True)
    except DoesNotExist:
        return BatchState.ACTIVE
    return BatchState((item.data.as_dict() if item.data else {}).get("state", BatchState.ACTIVE))


class BatchStates:
    """Batch states read once per invocation (a sender's batch of messages, a 15-minute run)."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._seen: dict[str, BatchState] = {}

    def __call__(self, file_key: str | None) -> BatchState:
        if not file_key:
            return BatchState.ACTIVE
        if file_key not in self._seen:
            self._seen[file_key] = batch_state(self._tables, file_key)
        return self._seen[file_key]


def batch_counts(tables: Tables, file_key: str) -> BatchCounts:
    """The batch's notices by status (a query of the outbox's `by_batch` index: keys and status)."""
    return dict(Counter(str(item.status) for item in tables.notifications.by_batch.query(file_key)))


def pause_batch(tables: Tables, file_key: str, *, clock: Clock) -> BatchCounts:
    """Its unsent notices wait (`held`, reason "batch paused") until resumed. A stopped batch stays
    stopped; pausing a paused one changes nothing."""
    if batch_state(tables, file_key) is not BatchState.STOPPED:
        _set_state(tables, file_key, BatchState.PAUSED, clock)
        now = utc_iso(clock())
        _move_some(tables, file_key, (Status.CREATED,), lambda n: hold(tables, n, now))
    return batch_counts(tables, file_key)


def resume_batch(tables: Tables, file_key: str, *, clock: Clock) -> BatchCounts:
    """Its paused notices go on (`created` again; quiet hours still hold them at night)."""
    if batch_state(tables, file_key) is BatchState.PAUSED:
        _set_state(tables, file_key, BatchState.ACTIVE, clock)
        now = utc_iso(clock())
        _move_some(tables, file_key, (Status.HELD,), lambda n: release(tables, n, now, only_paused=True))
    return batch_counts(tables, file_key)


def stop_batch(tables: Tables, file_key: str, *, clock: Clock) -> BatchCounts:
    """Its unsent notices become `cancelled`, for good; what was sent stays as it is."""
    _set_state(tables, file_key, BatchState.STOPPED, clock)
    now = utc_iso(clock())
    _move_some(tables, file_key, tuple(UNSENT), lambda n: cancel(tables, n, now))
    return batch_counts(tables, file_key)


def hold(tables: Tables, notice_id: str, now: str, *, expected: Status = Status.CREATED) -> bool:
    """A paused batch's notice waits: `held` (reason "batch paused"), only if it is still `expected`."""
    model = tables.notifications
    actions = [model.status.set(Status.HELD), model.reason.set(PAUSED), model.send_after.set(now)]
    return write_if(model(notice_id), [*actions, model.updated_at.set(now)], model.status == expected)


def release(tables: Tables, notice_id: str, now: str, *, only_paused: bool = False) -> bool:
    """A held notice goes back to `created` (its earlier reason cleared); `only_paused`: only one
    that waits because its batch was paused, not for quiet hours."""
    model = tables.notifications
    condition = model.status == Status.HELD
    if only_paused:
        condition &= model.reason == PAUSED
    actions = [model.status.set(Status.CREATED), model.reason.remove(), model.updated_at.set(now)]
    return write_if(model(notice_id), actions, condition)


def cancel(tables: Tables, notice_id: str, now: str, *, expected: Iterable[Status] = UNSENT) -> bool:
    """A stopped batch's notice ends `cancelled` (reason "batch stopped"), only if still unsent."""
    model = tables.notifications
    actions = [model.status.set(Status.CANCELLED), model.reason.set(STOPPED), model.updated_at.set(now)]
    return write_if(model(notice_id), actions, model.status.is_in(*expected))


def _set_state(tables: Tables, file_key: str, state: BatchState, clock: Clock) -> None:
    tables.guard(_state_key(file_key), data={"state": state.value, "at": utc_iso(clock())}).save()


def _move_some(tables: Tables, file_key: str, statuses: tuple[Status, ...], move: Callable[[str], bool]) -> int:
    moved = 0
    item: NotificationModel
    for item in tables.notifications.by_batch.query(file_key):
        if item.status in statuses:
            moved += move(item.id)
            if moved >= MOVE_AT_ONCE:
                break
    return moved
