"""Batch control: one upload's unsent notices can be paused, resumed or stopped by writing
the batch's state alone; the lanes honour it as they claim; nothing already sent is affected; a new
upload of the file is a new batch; a move that changes nothing is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.status import Status
from chalicelib.store import batches, outbox
from chalicelib.store.batches import (
    BatchMove,
    BatchState,
    Unchanged,
    batch_counts,
    batch_key,
    batch_state,
    move_batch,
    unsent,
)

FILE = "incoming/payments/2026-11.csv"
OTHER = "incoming/payments/2026-12.csv"
FIRST = batch_key(FILE, "v1")
CORRECTED = batch_key(FILE, "v2")


def _route_only(pump) -> None:
    for _ in range(2):  # decide, then route: the notices wait on the bulk queue, unsent
        for source in pump._streams:
            pump._pump_stream(source)


def _dynamodb_calls(monkeypatch) -> list[str]:
    """Every DynamoDB operation PynamoDB makes from here on."""
    from pynamodb.connection.base import Connection

    calls: list[str] = []
    original = Connection.dispatch

    def dispatch(self, operation_name, *args, **kwargs):
        calls.append(operation_name)
        return original(self, operation_name, *args, **kwargs)

    monkeypatch.setattr(Connection, "dispatch", dispatch)
    return calls


def test_one_uploads_batch_is_its_file_key_and_version() -> None:
    assert FIRST == "incoming/payments/2026-11.csv?versionId=v1"
    assert batch_key(FILE, None) == FILE


def test_a_batch_never_paused_is_active_and_its_counts_are_its_notices_by_status(svc, make, pump) -> None:
    make.payments(3)
    _route_only(pump)
    assert batch_state(svc.tables, FILE) is BatchState.ACTIVE
    assert batch_counts(svc.tables, FILE) == {Status.CREATED: 3}
    assert unsent(svc.tables, FILE) == 3  # the outbox stream's count
    assert batch_counts(svc.tables, "incoming/payments/none.csv") == {}


def test_a_move_is_one_read_and_one_write_whatever_the_batch_size(svc, make, pump, clock, monkeypatch) -> None:
    make.payments(30)
    _route_only(pump)
    calls = _dynamodb_calls(monkeypatch)
    assert move_batch(svc.tables, FILE, BatchMove.PAUSE, clock=clock) is BatchState.ACTIVE
    assert calls == ["GetItem", "PutItem"]
    assert batch_counts(svc.tables, FILE) == {Status.CREATED: 30}  # nothing moved by the request itself


def test_pausing_holds_the_unsent_notices_as_the_sender_reaches_them_and_resuming_sends_them(
    svc, make, pump, clock, sent_sms
) -> None:
    make.payments(2)
    pump.run_until_idle()  # two sent
    make.payments(3, first=2)
    _route_only(pump)  # three more on the bulk queue
    move_batch(svc.tables, FILE, BatchMove.PAUSE, clock=clock)
    pump.run_until_idle()  # the queued messages find their batch paused: held, never claimed
    assert len(sent_sms()) == 2 and batch_counts(svc.tables, FILE) == {Status.SENT: 2, Status.HELD: 3}
    assert unsent(svc.tables, FILE) == 3

    clock.advance(minutes=30)  # the 15-minute job leaves a paused batch's notices where they are
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.SENT: 2, Status.HELD: 3}

    assert move_batch(svc.tables, FILE, BatchMove.RESUME, clock=clock) is BatchState.PAUSED
    clock.advance(minutes=15)  # the 15-minute job releases them: sent once
    pump.run_until_idle()
    assert len(sent_sms()) == 5 and batch_counts(svc.tables, FILE) == {Status.SENT: 5}
    assert unsent(svc.tables, FILE) == 0


def test_the_sender_reads_the_batch_state_before_its_claim(svc, make, pump, clock, sent_sms, notice) -> None:
    make.payments(3)
    _route_only(pump)
    move_batch(svc.tables, FILE, BatchMove.PAUSE, clock=clock)
    pump.run_until_idle()
    assert sent_sms() == []
    held = notice("payment_received#PT-0")
    assert (held.status, held.reason, held.attempts) == (Status.HELD, outbox.PAUSED, 0)  # never claimed


def test_stopping_cancels_the_unsent_notices_for_good_as_the_lanes_reach_them(svc, make, pump, clock, sent_sms) -> None:
    make.payments(1)
    pump.run_until_idle()
    make.payments(2, first=1)
    _route_only(pump)
    move_batch(svc.tables, FILE, BatchMove.STOP, clock=clock)
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.SENT: 1, Status.CANCELLED: 2}
    assert len(sent_sms()) == 1 and batch_state(svc.tables, FILE) is BatchState.STOPPED
    assert unsent(svc.tables, FILE) == 0


def test_a_paused_then_stopped_batchs_held_notices_are_cancelled_by_the_job(svc, make, pump, clock, sent_sms) -> None:
    make.payments(3)
    _route_only(pump)
    move_batch(svc.tables, FILE, BatchMove.PAUSE, clock=clock)
    pump.run_until_idle()
    move_batch(svc.tables, FILE, BatchMove.STOP, clock=clock)
    clock.advance(minutes=15)
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.CANCELLED: 3} and sent_sms() == []


@pytest.mark.parametrize(
    ("moves", "refused", "state"),
    [
        ([BatchMove.PAUSE], BatchMove.PAUSE, BatchState.PAUSED),
        ([], BatchMove.RESUME, BatchState.ACTIVE),
        ([BatchMove.STOP], BatchMove.RESUME, BatchState.STOPPED),
        ([BatchMove.STOP], BatchMove.PAUSE, BatchState.STOPPED),
        ([BatchMove.PAUSE, BatchMove.STOP], BatchMove.STOP, BatchState.STOPPED),
    ],
)
def test_a_move_that_changes_nothing_is_refused_and_writes_nothing(svc, clock, moves, refused, state) -> None:
    for move in moves:
        move_batch(svc.tables, FILE, move, clock=clock)
    written = svc.tables.guard.get(f"batch#{FILE}").hits if moves else None
    with pytest.raises(Unchanged) as raised:
        move_batch(svc.tables, FILE, refused, clock=clock)
    assert raised.value.state is state
    assert (svc.tables.guard.get(f"batch#{FILE}").hits if moves else None) == written


def test_a_move_written_meanwhile_by_another_click_is_refused(svc, clock, monkeypatch) -> None:
    read = batches._read
    monkeypatch.setattr(batches, "_read", lambda tables, batch: (read(tables, batch)[0], None))  # a stale read
    move_batch(svc.tables, FILE, BatchMove.PAUSE, clock=clock)
    with pytest.raises(Unchanged):
        move_batch(svc.tables, FILE, BatchMove.STOP, clock=clock)
    monkeypatch.undo()
    assert batch_state(svc.tables, FILE) is BatchState.PAUSED


def test_a_stop_ends_that_uploads_notices_only_and_a_corrected_upload_is_sent(svc, make, pump, clock, sent_sms) -> None:
    make.payments(2, file=FIRST)
    _route_only(pump)
    move_batch(svc.tables, FIRST, BatchMove.STOP, clock=clock)
    make.payments(2, file=CORRECTED, first=10)  # the same name uploaded again, corrected
    pump.run_until_idle()
    assert batch_counts(svc.tables, FIRST) == {Status.CANCELLED: 2}
    assert batch_counts(svc.tables, CORRECTED) == {Status.SENT: 2} and len(sent_sms()) == 2
    assert batch_state(svc.tables, CORRECTED) is BatchState.ACTIVE


def test_notices_held_for_the_night_of_a_stopped_batch_are_cancelled_at_seven(svc, make, pump, clock, sent_sms) -> None:
    clock.set(clock().replace(hour=22))
    make.payments(2)
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.HELD: 2}
    move_batch(svc.tables, FILE, BatchMove.STOP, clock=clock)
    clock.set(clock().replace(hour=7, minute=5) + timedelta(days=1))
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.CANCELLED: 2} and sent_sms() == []


def test_another_file_is_not_affected(svc, make, pump, clock, sent_sms) -> None:
    make.payments(2)
    make.payments(2, file=OTHER, first=10)
    _route_only(pump)
    move_batch(svc.tables, FILE, BatchMove.PAUSE, clock=clock)
    pump.run_until_idle()
    assert sorted(" 1.01" in sms.text for sms in sent_sms()) == [True, True]  # 1.010 and 1.011 dong: the other file
    assert batch_counts(svc.tables, OTHER) == {Status.SENT: 2}
