"""Batch control (team.md): a file's unsent notices can be paused, resumed or stopped; the sender
reads the batch's state before its claim; nothing already sent is affected; counts before and after."""

from __future__ import annotations

from datetime import timedelta

import boto3

from chalicelib.domain.status import Status
from chalicelib.store import batches
from chalicelib.store.batches import BatchState, batch_counts, batch_state, pause_batch, resume_batch, stop_batch
from tests.conftest import REGION

FILE = "incoming/payments/2026-11.csv"
OTHER = "incoming/payments/2026-12.csv"


def _route_only(pump) -> None:
    for _ in range(2):  # decide, then route: the notices wait on the bulk queue, unsent
        for source in pump._streams:
            pump._pump_stream(source)


def test_a_batch_never_paused_is_active_and_its_counts_are_its_notices_by_status(svc, make, pump) -> None:
    make.payments(3)
    _route_only(pump)
    assert batch_state(svc.tables, FILE) is BatchState.ACTIVE
    assert batch_counts(svc.tables, FILE) == {Status.CREATED: 3}
    assert batch_counts(svc.tables, "incoming/payments/none.csv") == {}


def test_pausing_holds_the_unsent_notices_the_sent_ones_stay_and_resuming_sends_the_rest(
    svc, make, pump, clock, sent_sms
) -> None:
    make.payments(2)
    pump.run_until_idle()  # two sent
    make.payments(3, first=2)
    _route_only(pump)  # three more on the bulk queue
    before = batch_counts(svc.tables, FILE)
    after = pause_batch(svc.tables, FILE, clock=clock)
    assert (before, after) == ({Status.SENT: 2, Status.CREATED: 3}, {Status.SENT: 2, Status.HELD: 3})
    pump.run_until_idle()  # the queued messages find their notices held: nothing is claimed
    assert len(sent_sms()) == 2 and batch_state(svc.tables, FILE) is BatchState.PAUSED

    clock.advance(minutes=30)  # the 15-minute job leaves a paused batch's notices where they are
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.SENT: 2, Status.HELD: 3}

    assert resume_batch(svc.tables, FILE, clock=clock) == {Status.SENT: 2, Status.CREATED: 3}
    pump.run_until_idle()
    assert len(sent_sms()) == 5 and batch_counts(svc.tables, FILE) == {Status.SENT: 5}


def test_the_sender_reads_the_batch_state_before_its_claim(svc, make, pump, clock, sent_sms, notice) -> None:
    make.payments(3)
    _route_only(pump)
    batches._set_state(svc.tables, FILE, BatchState.PAUSED, clock)  # the flag alone, nothing moved yet
    pump.run_until_idle()
    assert sent_sms() == []
    held = notice("payment_received#PT-0")
    assert (held.status, held.reason, held.attempts) == (Status.HELD, batches.PAUSED, 0)  # never claimed


def test_stopping_cancels_the_unsent_notices_for_good(svc, make, pump, clock, sent_sms) -> None:
    make.payments(1)
    pump.run_until_idle()
    make.payments(2, first=1)
    _route_only(pump)
    assert stop_batch(svc.tables, FILE, clock=clock) == {Status.SENT: 1, Status.CANCELLED: 2}
    pump.run_until_idle()
    assert resume_batch(svc.tables, FILE, clock=clock) == {Status.SENT: 1, Status.CANCELLED: 2}  # stopped stays
    assert pause_batch(svc.tables, FILE, clock=clock) == {Status.SENT: 1, Status.CANCELLED: 2}
    pump.run_until_idle()
    assert len(sent_sms()) == 1 and batch_state(svc.tables, FILE) is BatchState.STOPPED


def test_a_stopped_batchs_notices_the_request_did_not_reach_are_cancelled_by_the_sender_and_the_job(
    svc, make, pump, clock, sent_sms, monkeypatch
) -> None:
    monkeypatch.setattr(batches, "MOVE_AT_ONCE", 1)  # a big file: the request itself moves only one
    make.payments(3)
    _route_only(pump)
    assert stop_batch(svc.tables, FILE, clock=clock) == {Status.CREATED: 2, Status.CANCELLED: 1}
    pump.run_until_idle()  # the sender finds the other two of a stopped batch
    assert batch_counts(svc.tables, FILE) == {Status.CANCELLED: 3} and sent_sms() == []


def test_notices_held_for_the_night_of_a_stopped_batch_are_cancelled_at_seven(svc, make, pump, clock, sent_sms) -> None:
    clock.set(clock().replace(hour=22))
    make.payments(2)
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.HELD: 2}
    batches._set_state(svc.tables, FILE, BatchState.STOPPED, clock)
    clock.set(clock().replace(hour=7, minute=5) + timedelta(days=1))
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.CANCELLED: 2} and sent_sms() == []


def test_another_file_is_not_affected(svc, make, pump, clock, sent_sms) -> None:
    make.payments(2)
    make.payments(2, file=OTHER, first=10)
    _route_only(pump)
    pause_batch(svc.tables, FILE, clock=clock)
    pump.run_until_idle()
    assert sorted(" 1.01" in sms.text for sms in sent_sms()) == [True, True]  # 1.010 and 1.011 dong: the other file
    assert batch_counts(svc.tables, OTHER) == {Status.SENT: 2}


def test_pausing_a_file_of_any_size_is_bounded_and_the_rest_follow(svc, make, pump, clock, monkeypatch) -> None:
    monkeypatch.setattr(batches, "MOVE_AT_ONCE", 2)
    make.payments(5)
    _route_only(pump)
    assert pause_batch(svc.tables, FILE, clock=clock) == {Status.CREATED: 3, Status.HELD: 2}
    pump.run_until_idle()  # the sender holds the other three as it reaches them
    assert batch_counts(svc.tables, FILE) == {Status.HELD: 5}
    assert resume_batch(svc.tables, FILE, clock=clock) == {Status.CREATED: 2, Status.HELD: 3}
    clock.advance(minutes=15)  # the 15-minute job releases the rest
    pump.run_until_idle()
    assert batch_counts(svc.tables, FILE) == {Status.SENT: 5}
    sqs = boto3.client("sqs", region_name=REGION)
    assert (
        sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName="bhxh-local-bulk")["QueueUrl"]).get("Messages") is None
    )
