"""Pause, resume or stop the unsent notices of one batch file, with the counts before and after.
The sending side owns the mechanism (store/batches.py); the console only calls it."""

from __future__ import annotations

from typing import Any

from chalicelib.agency.files import conflict, find_file
from chalicelib.agency.names import FileName
from chalicelib.domain.staff import Action, Staff
from chalicelib.services import Services
from chalicelib.store.batches import batch_counts, batch_state, pause_batch, resume_batch, stop_batch

_DO = {Action.PAUSE: pause_batch, Action.RESUME: resume_batch, Action.STOP: stop_batch}


def apply(svc: Services, staff: Staff, file: FileName, action: Action) -> tuple[dict[str, Any], str]:
    item = find_file(svc, staff, file, stages=("incoming",))
    if item.status not in ("running", "done"):
        raise conflict(f"the file is {item.status}: it has no notices to {action.value}")
    before = batch_counts(svc.tables, item.file)
    after = _DO[action](svc.tables, item.file, clock=svc.clock)
    state = batch_state(svc.tables, item.file).value
    return {"file": item.file, "state": state, "before": before, "after": after}, item.file
