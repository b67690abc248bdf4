"""The status moves of notices and files (domain/status.py): every move the code makes is in the
tables, and every other move is refused, one test each."""

from __future__ import annotations

from itertools import product

import pytest

from chalicelib.domain.status import FILE_MOVES, FINAL, NOTICE_MOVES, FileStatus, ForbiddenMove, Status

NOTICE_FORBIDDEN = [
    (source, target) for source, target in product([None, *Status], Status) if not NOTICE_MOVES.allows(source, target)
]
FILE_FORBIDDEN = [
    (source, target)
    for source, target in product([None, *FileStatus], FileStatus)
    if not FILE_MOVES.allows(source, target)
]

# what each writer does today (store/outbox.py's callers), as (from, to)
NOTICE_MADE = [
    (None, Status.CREATED),  # notify/outbox.py: queued
    (None, Status.HELD),  # queued in quiet hours
    (None, Status.UNREACHABLE),  # no phone on file
    (Status.CREATED, Status.SENDING),  # the sender's claim
    (Status.CREATED, Status.HELD),  # a paused batch, as the sender reaches it
    (Status.CREATED, Status.CANCELLED),  # a stopped batch
    (Status.HELD, Status.CREATED),  # the 15-minute job's release
    (Status.HELD, Status.CANCELLED),  # a stopped batch's held notice
    (Status.SENDING, Status.SENT),
    (Status.SENDING, Status.HELD),  # quiet hours began meanwhile
    (Status.SENDING, Status.OPTED_OUT),
    (Status.SENDING, Status.TEMPORARY_FAILURE),
    (Status.SENDING, Status.PERMANENT_FAILURE),
    (Status.SENDING, Status.TECHNICAL_FAILURE),  # the sender's, or a dead sender's settled
    (Status.SENDING, Status.CREATED),  # a dead sender's notice surely unsent
    (Status.SENT, Status.DELIVERED),  # receipts
    (Status.SENT, Status.PERMANENT_FAILURE),
    (Status.SENT, Status.OPTED_OUT),
    (Status.SENT, Status.TEMPORARY_FAILURE),  # a receipt, or the 72-hour rule
    (Status.TEMPORARY_FAILURE, Status.CREATED),  # retried
    (Status.TEMPORARY_FAILURE, Status.TECHNICAL_FAILURE),  # given up
    (Status.TEMPORARY_FAILURE, Status.DELIVERED),  # a late receipt after the 72-hour rule
    (Status.PERMANENT_FAILURE, Status.CREATED),  # the console's resend
    (Status.TECHNICAL_FAILURE, Status.CREATED),
    (Status.SENDING, Status.CANCELLED),  # personal data expired before it went (retention)
]
FILE_MADE = [
    (None, FileStatus.RUNNING),
    (FileStatus.DONE, FileStatus.RUNNING),
    (FileStatus.REJECTED, FileStatus.RUNNING),
    (FileStatus.RUNNING, FileStatus.DONE),
    (FileStatus.RUNNING, FileStatus.REJECTED),
    (None, FileStatus.STAGED),
    (FileStatus.STAGED, FileStatus.STAGED),
    (FileStatus.CANCELLED, FileStatus.STAGED),
    (FileStatus.STAGED, FileStatus.CANCELLED),
]


@pytest.mark.parametrize(("source", "target"), NOTICE_FORBIDDEN, ids=str)
def test_a_notice_move_the_table_does_not_list_is_refused(source: Status | None, target: Status) -> None:
    assert source is None or source not in NOTICE_MOVES.sources(target)  # `sources` says the same
    with pytest.raises(ForbiddenMove) as refused:
        NOTICE_MOVES.check(source, target)
    assert (refused.value.source, refused.value.target) == (source, target)


@pytest.mark.parametrize(("source", "target"), FILE_FORBIDDEN, ids=str)
def test_a_file_move_the_table_does_not_list_is_refused(source: FileStatus | None, target: FileStatus) -> None:
    with pytest.raises(ForbiddenMove):
        FILE_MOVES.check(source, target)


@pytest.mark.parametrize(("source", "target"), NOTICE_MADE, ids=str)
def test_every_notice_move_the_code_makes_is_allowed(source: Status | None, target: Status) -> None:
    NOTICE_MOVES.check(source, target)
    assert source is None or source in NOTICE_MOVES.sources(target)


@pytest.mark.parametrize(("source", "target"), FILE_MADE, ids=str)
def test_every_file_move_the_code_makes_is_allowed(source: FileStatus | None, target: FileStatus) -> None:
    FILE_MOVES.check(source, target)


def test_a_final_notice_moves_only_by_the_consoles_resend_of_a_failure() -> None:
    for status in FINAL:
        assert NOTICE_MOVES.table.get(status, frozenset()) <= {Status.CREATED}
    assert not NOTICE_MOVES.table.get(Status.DELIVERED)
    assert not NOTICE_MOVES.table.get(Status.CANCELLED)


def test_a_receipt_never_moves_a_notice_being_sent() -> None:
    assert Status.DELIVERED not in NOTICE_MOVES.table[Status.SENDING]


def test_only_a_sender_claims_and_only_from_created() -> None:
    assert NOTICE_MOVES.sources(Status.SENDING) == {Status.CREATED}


def test_a_new_notice_is_never_created_sending_or_sent() -> None:
    assert NOTICE_MOVES.table[None] == {Status.CREATED, Status.HELD, Status.UNREACHABLE}


def test_a_staged_file_never_becomes_running_in_place() -> None:
    assert not FILE_MOVES.allows(FileStatus.STAGED, FileStatus.RUNNING)
    assert FILE_MOVES.sources(FileStatus.RUNNING) == {FileStatus.DONE, FileStatus.REJECTED}


def test_the_refusal_names_both_statuses() -> None:
    assert str(ForbiddenMove(Status.DELIVERED, Status.CREATED)) == "a move from delivered to created"
    assert str(ForbiddenMove(None, Status.SENT)) == "a move from nothing to sent"
