"""A notice's status in the outbox (CONTRACT, "SMS the service sends") and a batch file's, named
once, with the moves each may make (`NOTICE_MOVES`, `FILE_MOVES`): the store's status writes
(store/outbox.py, store/files.py) are conditional on them, so no writer moves a status another way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar


class Status(StrEnum):
    CREATED = "created"  # waiting for the sender
    HELD = "held"  # quiet hours: waits until `send_after`
    SENDING = "sending"  # claimed by a sender; ends in exactly one of the states below
    SENT = "sent"  # SNS accepted it; a delivery receipt moves it on
    DELIVERED = "delivered"
    PERMANENT_FAILURE = "permanent-failure"
    TEMPORARY_FAILURE = "temporary-failure"  # tried again by the 15-minute job, up to a bound
    TECHNICAL_FAILURE = "technical-failure"
    OPTED_OUT = "opted-out"
    UNREACHABLE = "unreachable"  # no phone on file for the recipient
    CANCELLED = "cancelled"  # its batch was stopped before it was sent


FAILED: frozenset[Status] = frozenset({Status.PERMANENT_FAILURE, Status.TEMPORARY_FAILURE, Status.TECHNICAL_FAILURE})
"""Not delivered because something went wrong (a temporary failure may still be retried)."""

FINAL: frozenset[Status] = frozenset(
    {
        Status.DELIVERED,
        Status.PERMANENT_FAILURE,
        Status.TECHNICAL_FAILURE,
        Status.OPTED_OUT,
        Status.UNREACHABLE,
        Status.CANCELLED,
    }
)
"""Nothing moves a notice out of these: no send, no retry, no receipt."""

NO_RECEIPT = "no delivery receipt"
"""The reason of a `temporary-failure` that is not retried: sent, and no receipt came within 72 hours
(CONTRACT). Sending again could tell twice; a receipt that still comes is applied."""

MAYBE_SENT = "SNS may have sent it"
"""In the reason of a `technical-failure` whose Publish may have gone out (its answer was lost, or
the sender stopped between claim and outcome): never sent again, by the jobs or by a resend."""

RESENDABLE: frozenset[Status] = FAILED & FINAL
"""What the hotline may send again: failed for good. A `temporary-failure` is either still retried
by the 15-minute job or was ended by the 72-hour rule ("no delivery receipt": it may have arrived)."""

UNSENT: frozenset[Status] = frozenset({Status.CREATED, Status.HELD})
"""Waiting to be sent: what pausing a batch holds and stopping it cancels."""

LEFT_TO_SEND: frozenset[Status] = UNSENT | {Status.SENDING}
"""What a batch still has to send, for its unsent count and whether pause or stop has anything to
act on: waiting, or claimed by a sender that has not published it yet (which reads the batch's
state again before it does: notify/sender.py)."""

STATUS_NAMES: dict[str, dict[Status, str]] = {
    "vi": {
        Status.CREATED: "chờ gửi",
        Status.HELD: "tạm giữ",
        Status.SENDING: "đang gửi",
        Status.SENT: "đã gửi",
        Status.DELIVERED: "đã nhận",
        Status.CANCELLED: "đã hủy",
        Status.PERMANENT_FAILURE: "lỗi vĩnh viễn",
        Status.TEMPORARY_FAILURE: "lỗi tạm thời",
        Status.TECHNICAL_FAILURE: "lỗi kỹ thuật",
        Status.OPTED_OUT: "từ chối nhận",
        Status.UNREACHABLE: "không liên lạc được",
    },
    "en": {
        Status.CREATED: "waiting",
        Status.HELD: "held",
        Status.SENDING: "sending",
        Status.SENT: "sent",
        Status.DELIVERED: "delivered",
        Status.CANCELLED: "cancelled",
        Status.PERMANENT_FAILURE: "permanent failure",
        Status.TEMPORARY_FAILURE: "temporary failure",
        Status.TECHNICAL_FAILURE: "technical failure",
        Status.OPTED_OUT: "opted out",
        Status.UNREACHABLE: "unreachable",
    },
}
"""Each status in the console's two languages: the page is given them when it is served
(agency/page.py), so that the statuses are spelled here alone."""


S = TypeVar("S", bound=StrEnum)


class ForbiddenMove(ValueError):
    """A status move the table forbids was asked for: a bug in the caller, never a state of the data
    (a stored status that no longer allows a move is a refused conditional write, not this)."""

    def __init__(self, source: StrEnum | None, target: StrEnum) -> None:
        super().__init__(f"a move from {source.value if source is not None else 'nothing'} to {target.value}")
        self.source, self.target = source, target


@dataclass(frozen=True)
class Moves(Generic[S]):
    """The allowed moves of one kind of item's status: `table[from]` is where it may go; `None` is
    "no item yet" (what a first write may create). Checked in one place: the store's writes put
    `status IN sources(target)` in their condition, so the data refuses what this table forbids."""

    table: Mapping[S | None, frozenset[S]]

    def allows(self, source: S | None, target: S) -> bool:
        return target in self.table.get(source, frozenset())

    def check(self, source: S | None, target: S) -> None:
        """Raise ForbiddenMove unless `source` may move to `target`."""
        if not self.allows(source, target):
            raise ForbiddenMove(source, target)

    def sources(self, target: S) -> frozenset[S]:
        """The stored statuses an item may move to `target` from (not `None`: a new item)."""
        return frozenset(s for s, targets in self.table.items() if s is not None and target in targets)


_RECEIPT: frozenset[Status] = frozenset(
    {Status.DELIVERED, Status.PERMANENT_FAILURE, Status.TEMPORARY_FAILURE, Status.OPTED_OUT}
)
"""What a delivery receipt says (domain/receipts.py)."""

NOTICE_MOVES: Moves[Status] = Moves(
    {
        None: frozenset({Status.CREATED, Status.HELD, Status.UNREACHABLE}),  # queued (notify/outbox.py)
        # claimed by a sender; held by a paused batch or quiet hours; cancelled by a stopped batch or
        # by the retention job (personal data expired before it went)
        Status.CREATED: frozenset({Status.SENDING, Status.HELD, Status.CANCELLED}),
        Status.HELD: frozenset({Status.CREATED, Status.CANCELLED}),  # released; stopped or expired
        # the sender's outcome (held again at quiet hours); the 15-minute job's settling of a dead
        # sender's claim: back to `created` when surely unsent, else `technical-failure`; expired
        Status.SENDING: frozenset(
            {
                Status.SENT,
                Status.HELD,
                Status.OPTED_OUT,
                Status.PERMANENT_FAILURE,
                Status.TEMPORARY_FAILURE,
                Status.TECHNICAL_FAILURE,
                Status.CREATED,
                Status.CANCELLED,
            }
        ),
        Status.SENT: _RECEIPT,  # its receipt, or the 72-hour rule's `temporary-failure`
        # retried (`created`) or given up; a late receipt corrects "no delivery receipt"; expired
        Status.TEMPORARY_FAILURE: _RECEIPT | {Status.CREATED, Status.TECHNICAL_FAILURE, Status.CANCELLED},
        Status.PERMANENT_FAILURE: frozenset({Status.CREATED}),  # the console's resend
        Status.TECHNICAL_FAILURE: frozenset({Status.CREATED}),  # the console's resend
    }
)
"""Every move of a notice's status, from the code that makes it. `delivered`, `opted-out`,
`unreachable` and `cancelled` go nowhere. A move's finer conditions (a receipt corrects only the
72-hour rule's failure; the job moves only what it read) are the writer's, beside this check."""


class FileStatus(StrEnum):
    """A batch file's stored status (store/files.py) and its report's (CONTRACT, "Batch files")."""

    STAGED = "staged"  # uploaded through the console to check first: waits for release or cancel
    RUNNING = "running"
    DONE = "done"
    REJECTED = "rejected"  # refused whole
    CANCELLED = "cancelled"  # a staged file cancelled in the console


FILE_MOVES: Moves[FileStatus] = Moves(
    {
        None: frozenset({FileStatus.RUNNING, FileStatus.STAGED}),
        FileStatus.RUNNING: frozenset({FileStatus.DONE, FileStatus.REJECTED}),
        FileStatus.DONE: frozenset({FileStatus.RUNNING}),  # a new upload under its name
        FileStatus.REJECTED: frozenset({FileStatus.RUNNING}),
        # a newer upload to check under its name starts afresh; cancelled in the console
        FileStatus.STAGED: frozenset({FileStatus.STAGED, FileStatus.CANCELLED}),
        FileStatus.CANCELLED: frozenset({FileStatus.STAGED}),
    }
)
"""Every move of a file's status. A released staged file's item is deleted (its upload runs under
`incoming/`), so `staged` never becomes `running` in place."""
