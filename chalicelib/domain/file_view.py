"""How the console's file list tells an upload (issue 22, "a truthful file list"): its contract
`status`, its `shown_status` and which buttons it offers. Plain data: the caller reads the file's
item (its stored status, its staged check) and its batch's state and unsent count (store/batches.py).

The stored status (store/files.py) is the ingest's (`running`, `done`, `rejected`) or the console's
(`staged`, `cancelled`). The API's `status` stays in the contract's five (`listed`: only a staged
file its check refused is `rejected`, as it can never be sent). What a clerk must be told is finer,
`shown_status` (ShownStatus): a staged file still being read is `checking`, and a taken file's SMS
may be `paused` or `stopped` (its batch's state) or still going out after its rows were read
(`running` while anything is left to send)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.status import FileStatus


class ShownStatus(StrEnum):
    CHECKING = "checking"  # a console upload to check first, being read
    STAGED = "staged"  # checked and accepted: waits for an uploader's release (or a second person's approval)
    REJECTED = "rejected"  # refused whole (by the ingest or by its check): nothing is sent
    CANCELLED = "cancelled"  # a staged file an uploader cancelled
    RUNNING = "running"  # taken: its rows are being read, or its SMS are still going out
    PAUSED = "paused"  # its unsent SMS wait for a resume
    STOPPED = "stopped"  # its unsent SMS were cancelled for good
    DONE = "done"  # read, and nothing of it is left to send


@dataclass(frozen=True)
class Seen:
    """What the console knows of one upload: the stored status, a staged file's check (None while
    checking), the batch's state (`active`, `paused`, `stopped`; None for a staged file) and its
    unsent SMS."""

    stored: str
    check: str | None = None
    batch_state: str | None = None
    unsent: int = 0


LISTED = tuple(s.value for s in FileStatus)  # the contract's five: what `status` says
"""CONTRACT's `status` of a file (the stored ones): what `listed` answers."""

ACTION_NAMES = ("release", "approve", "cancel", "pause", "resume", "stop")
"""The buttons an upload may offer (`actions`' keys): the console's routes of the same names."""


def listed(seen: Seen) -> str:
    """The contract's `status` (`staged`, `running`, `done`, `rejected`, `cancelled`): the stored one,
    but a staged file its check refused is `rejected`; a paused or stopped file keeps its own."""
    return "rejected" if seen.stored == "staged" and seen.check == "rejected" else seen.stored


def shown(seen: Seen) -> ShownStatus:
    """The status the clerk is told, in the list and on the file's page."""
    if seen.stored == "staged":
        if seen.check == "rejected":
            return ShownStatus.REJECTED
        return ShownStatus.STAGED if seen.check == "done" else ShownStatus.CHECKING
    if seen.stored in ("rejected", "cancelled"):
        return ShownStatus(seen.stored)
    if seen.batch_state == "stopped":
        return ShownStatus.STOPPED
    if seen.batch_state == "paused":
        return ShownStatus.PAUSED
    return ShownStatus.RUNNING if seen.stored == "running" or seen.unsent > 0 else ShownStatus.DONE


def actions(
    seen: Seen, *, newest: bool = True, needs_approval: bool = False, approved: bool = False
) -> dict[str, bool]:
    """Which buttons the upload offers (the routes still decide: a stale page gets a 409). Pause and
    stop only while something is left to send (its rows still being read, or SMS unsent); resume
    only a paused batch; release, approve and cancel only a staged file. Only the newest upload
    under a name is acted on (the routes act on it); an earlier one's row has none."""
    staged = newest and seen.stored == "staged"
    checked = staged and seen.check == "done"
    taken = newest and seen.stored in ("running", "done") and seen.batch_state is not None
    left = taken and (seen.stored == "running" or seen.unsent > 0)
    return {
        "release": checked and (not needs_approval or approved),
        "approve": checked and needs_approval and not approved,
        "cancel": staged,
        "pause": left and seen.batch_state == "active",
        "resume": taken and seen.batch_state == "paused",
        "stop": left and seen.batch_state != "stopped",
    }
