"""Pause, resume or stop the unsent notices of one upload of a batch file (its newest), answered at
once at any size: the batch's state is one item (store/batches.py) and the lanes honour it as they
claim. An action that changes nothing (pause a paused batch or one with nothing left, resume one
that runs or was stopped, stop a stopped or finished one) is a 409."""

from __future__ import annotations

from typing import Any

from chalicelib.agency.names import FileName
from chalicelib.agency.uploaded_files import conflict, find_file
from chalicelib.domain.staff import Action, Staff
from chalicelib.domain.status import FileStatus
from chalicelib.services import Services
from chalicelib.store.batches import BatchMove, BatchState, Unchanged, batch_key, move_batch, unsent

_MOVE = {Action.PAUSE: BatchMove.PAUSE, Action.RESUME: BatchMove.RESUME, Action.STOP: BatchMove.STOP}
_AFTER = {BatchMove.PAUSE: BatchState.PAUSED, BatchMove.RESUME: BatchState.ACTIVE, BatchMove.STOP: BatchState.STOPPED}
_WHY = {
    (BatchMove.PAUSE, BatchState.PAUSED): "the batch is already paused",
    (BatchMove.PAUSE, BatchState.STOPPED): "the batch was stopped: nothing is left to pause",
    (BatchMove.RESUME, BatchState.ACTIVE): "the batch is not paused: it is sending",
    (BatchMove.RESUME, BatchState.STOPPED): "the batch was stopped for good: upload the file again for a new batch",
    (BatchMove.STOP, BatchState.STOPPED): "the batch is already stopped",
}


def apply(svc: Services, staff: Staff, file: FileName, action: Action) -> tuple[dict[str, Any], str]:
    """One read of the file's item, one of the batch's unsent count, one conditional write."""
    item = find_file(svc, staff, file, stages=("incoming",))
    if item.status not in (FileStatus.RUNNING, FileStatus.DONE):
        raise conflict(f"the file is {item.status}: it has no notices to {action.value}")
    move = _MOVE[action]
    batch = batch_key(item.file, item.version)
    left = unsent(svc.tables, batch)
    if move is not BatchMove.RESUME and item.status == FileStatus.DONE and left == 0:
        raise conflict(f"nothing of this upload is left to send: there is nothing to {action.value}")
    try:
        before = move_batch(svc.tables, batch, move, clock=svc.clock, by=staff.username)
    except Unchanged as exc:
        raise conflict(_WHY.get((exc.move, exc.state), f"the batch is {exc.state.value}")) from None
    after = _AFTER[move]
    body = {
        "file": item.file,
        "batch": batch,
        "version": item.version,
        "state": after.value,
        "before": {"state": before.value, "unsent": left},
        "after": {"state": after.value, "unsent": left},
        "note": "the senders apply it as they reach each notice; the counts follow within minutes",
    }
    return body, item.file
