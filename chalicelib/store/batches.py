"""Batch control (design notes §6; CONTRACT, "Batches can be stopped"): the unsent notices
of one upload of a batch file can wait, go on, or be cancelled; nothing already sent is affected.

A batch is one upload: the S3 key of the file its facts came from and the object version read
(`incoming/<kind>/<name>.csv?versionId=<version>`, `batch_key`), which every outbox item of it
carries as `batch` (GSI `by_batch`): a corrected re-upload under the same name is a new batch, which
a stop of the first does not touch. Its state is one guard item, `batch#<batch>`, and changing it is
the whole of a console action (one read and one conditional write: the same cost at any batch
size). The lanes honour it when they claim: the sender reads it before its claim (a paused batch's
notice goes `held` "batch paused", a stopped batch's `cancelled`), and the 15-minute job leaves a
paused batch's held notices where they are, releases them once the batch is resumed (within 15
minutes), and cancels a stopped batch's. The outbox stream keeps each batch's count of unsent
notices (`tally#<batch>`, `hits`: approximate, at-least-once), which says whether anything is left.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.store.conditions import save_if
from chalicelib.store.maps import plain_map
from chalicelib.store.models import Tables

BatchCounts = dict[str, int]  # the batch's notices by status (`created`, `sent`, `cancelled`, …)
VERSION_MARK = "?versionId="


class BatchState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class BatchMove(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


_MOVES: dict[BatchMove, tuple[frozenset[BatchState], BatchState]] = {
    BatchMove.PAUSE: (frozenset({BatchState.ACTIVE}), BatchState.PAUSED),
    BatchMove.RESUME: (frozenset({BatchState.PAUSED}), BatchState.ACTIVE),
    BatchMove.STOP: (frozenset({BatchState.ACTIVE, BatchState.PAUSED}), BatchState.STOPPED),
}


class Unchanged(Exception):
    """The move changes nothing (pause a paused batch, resume a running or stopped one, stop a
    stopped one), or another click moved the batch meanwhile: the console answers 409."""

    def __init__(self, move: BatchMove, state: BatchState) -> None:
        super().__init__(f"{move.value}: the batch is {state.value}")
        self.move, self.state = move, state


def batch_key(file_key: str, version: str | None) -> str:
    """One upload's batch: the file's key and the S3 version read (the file's key alone when the
    upload named no version)."""
    return f"{file_key}{VERSION_MARK}{version}" if version else file_key


def _state_key(batch: str) -> str:
    return f"batch#{batch}"


def _tally_key(batch: str) -> str:
    return f"tally#{batch}"


def _read(tables: Tables, batch: str) -> tuple[BatchState, int | None]:
    """The state and its revision (None: never moved, so `active`): one consistent read by key."""
    try:
        item = tables.guard.get(_state_key(batch), consistent_read=True)
    except DoesNotExist:
        return BatchState.ACTIVE, None
    data = plain_map(item.data)
    return BatchState(data.get("state", BatchState.ACTIVE)), int(item.hits or 0)


def batch_state(tables: Tables, batch: str) -> BatchState:
    """The batch's state (`active` when never paused or stopped)."""
    return _read(tables, batch)[0]


def batches_seen(tables: Tables, batches: Iterable[str]) -> dict[str, tuple[BatchState, int]]:
    """Each batch's state and unsent count, for a page of the console's files: one BatchGetItem of
    their `batch#` and `tally#` items (pynamodb splits it past 100 keys), not two reads a row."""
    wanted = list(dict.fromkeys(batches))
    keys = [_state_key(b) for b in wanted] + [_tally_key(b) for b in wanted]
    found = {item.pk: item for item in tables.guard.batch_get(keys)} if keys else {}
    out: dict[str, tuple[BatchState, int]] = {}
    for batch in wanted:
        state, tally = found.get(_state_key(batch)), found.get(_tally_key(batch))
        data = state.data.as_dict() if state is not None and state.data else {}
        left = max(int(tally.hits or 0), 0) if tally is not None else 0
        out[batch] = (BatchState(data.get("state", BatchState.ACTIVE)), left)
    return out


class BatchStates:
    """Batch states read once per invocation (a sender's batch of messages, a 15-minute run), and
    read again by `fresh` once a read is older than `max_age_s` on `monotonic`: a sender paced
    through ten claimed SMS must see a pause clicked meanwhile, at one read per batch file per
    `max_age_s`, not one per SMS."""

    def __init__(self, tables: Tables, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._tables = tables
        self._monotonic = monotonic
        self._seen: dict[str, tuple[BatchState, float]] = {}

    def __call__(self, batch: str | None) -> BatchState:
        if not batch:
            return BatchState.ACTIVE
        if batch not in self._seen:
            self._seen[batch] = (batch_state(self._tables, batch), self._monotonic())
        return self._seen[batch][0]

    def fresh(self, batch: str | None, max_age_s: float) -> BatchState:
        """The state, read again when the last read is older than `max_age_s`."""
        if batch and batch in self._seen and self._monotonic() - self._seen[batch][1] > max_age_s:
            del self._seen[batch]
        return self(batch)


def move_batch(tables: Tables, batch: str, move: BatchMove, *, clock: Clock, by: str | None = None) -> BatchState:
    """Pause, resume or stop the batch: its state item written once, conditional on the state read
    (two clicks move it once). Returns the state it was in; `Unchanged` when the move changes nothing."""
    state, revision = _read(tables, batch)
    allowed, target = _MOVES[move]
    if state not in allowed:
        raise Unchanged(move, state)
    model = tables.guard
    data = {"state": target.value, "at": utc_iso(clock()), **({"by": by} if by else {})}
    item = model(_state_key(batch), hits=(revision or 0) + 1, data=data)
    unmoved = model.pk.does_not_exist() if revision is None else model.hits == revision
    if not save_if(item, unmoved):
        raise Unchanged(move, batch_state(tables, batch))
    return state


def batch_counts(tables: Tables, batch: str) -> BatchCounts:
    """The batch's notices by status (a query of the outbox's `by_batch` index: keys and status; a
    read for a file's page, not for an action: it grows with the batch)."""
    return dict(Counter(str(item.status) for item in tables.notifications.by_batch.query(batch)))


def unsent(tables: Tables, batch: str) -> int:
    """The batch's notices left to send (`created`, `held`, `sending`: LEFT_TO_SEND), as the outbox
    stream counted them (one read by key; approximate: a stream batch delivered twice counts twice,
    and it lags the stream)."""
    try:
        return max(int(tables.guard.get(_tally_key(batch)).hits or 0), 0)
    except DoesNotExist:
        return 0


def add_unsent(tables: Tables, changes: Mapping[str, int]) -> None:
    """The outbox stream's changes to each batch's unsent count: one update a batch."""
    model = tables.guard
    for batch, delta in changes.items():
        if delta:
            model(_tally_key(batch)).update(actions=[model.hits.add(delta)])
