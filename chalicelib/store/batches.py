"""Batch control (team.md, "Batch control"): the unsent notices of one batch file can wait, go on, or
be cancelled; nothing already sent is affected.

A batch is the S3 key of the file its facts came from (`incoming/<kind>/<name>.csv`), which every
outbox item of it carries as `batch`. Its state is one guard item, `batch#<file key>`; the sender
reads it after its claim (notify/sender.py): a notice of a paused batch goes back to `held` (the
15-minute job offers it again, and resuming releases it at once), one of a stopped batch ends
`cancelled`.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from enum import StrEnum

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.status import Status
from chalicelib.store.conditions import update_if
from chalicelib.store.models import NotificationModel, Tables

BatchCounts = dict[str, int]  # notices of the batch by status
UNSENT = (Status.CREATED, Status.HELD)  # what pausing holds and stopping cancels
PAUSED_RECHECK = timedelta(minutes=15)


class BatchState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


def _state_key(file_key: str) -> str:
    return f"batch#{file_key}"


def batch_state(tables: Tables, file_key: str) -> BatchState:
    try:
        item = tables.guard.get(_state_key(file_key), consistent_read=True)
    except DoesNotExist:
        return BatchState.ACTIVE
    return BatchState((item.data.as_dict() if item.data else {}).get("state", BatchState.ACTIVE))


def batch_counts(tables: Tables, file_key: str) -> BatchCounts:
    """The batch's notices by status (one query of the outbox's `by_batch` index)."""
    return dict(Counter(item.status for item in tables.notifications.by_batch.query(file_key)))


def pause_batch(tables: Tables, file_key: str, *, clock: Clock) -> BatchCounts:
    """Its unsent notices wait (`held`) until resumed. A stopped batch stays stopped."""
    if batch_state(tables, file_key) is not BatchState.STOPPED:
        _set_state(tables, file_key, BatchState.PAUSED, clock)
        later = utc_iso(clock() + PAUSED_RECHECK)
        for item in _unsent(tables, file_key, (Status.CREATED,)):
            _move(tables, item.id, Status.CREATED, Status.HELD, later, clock, reason="batch paused")
    return batch_counts(tables, file_key)


def resume_batch(tables: Tables, file_key: str, *, clock: Clock) -> BatchCounts:
    """Its held notices go on now (quiet hours still apply: the sender holds them again at night)."""
    if batch_state(tables, file_key) is BatchState.PAUSED:
        _set_state(tables, file_key, BatchState.ACTIVE, clock)
        for item in _unsent(tables, file_key, (Status.HELD,)):
            _move(tables, item.id, Status.HELD, Status.CREATED, utc_iso(clock()), clock)
    return batch_counts(tables, file_key)


def stop_batch(tables: Tables, file_key: str, *, clock: Clock) -> BatchCounts:
    """Its unsent notices become `cancelled`, for good."""
    _set_state(tables, file_key, BatchState.STOPPED, clock)
    for item in _unsent(tables, file_key, UNSENT):
        _move(tables, item.id, Status(item.status), Status.CANCELLED, None, clock, reason="batch stopped")
    return batch_counts(tables, file_key)


def _set_state(tables: Tables, file_key: str, state: BatchState, clock: Clock) -> None:
    tables.guard(_state_key(file_key), data={"state": state.value, "at": utc_iso(clock())}).save()


def _unsent(tables: Tables, file_key: str, statuses: tuple[Status, ...]) -> list[NotificationModel]:
    index = tables.notifications.by_batch
    return [item for item in index.query(file_key) if item.status in statuses]


def _move(
    tables: Tables,
    notice_id: str,
    old: Status,
    new: Status,
    send_after: str | None,
    clock: Clock,
    reason: str | None = None,
) -> bool:
    """One notice from `old` to `new`, only if it is still `old` (the sender may have claimed it)."""
    model = tables.notifications
    actions = [model.status.set(new), model.updated_at.set(utc_iso(clock()))]
    if send_after is not None:
        actions.append(model.send_after.set(send_after))
    if reason is not None:
        actions.append(model.reason.set(reason))
    return update_if(model(notice_id), actions, model.status == old)
