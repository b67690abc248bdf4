"""What the service owes each person: told once, none lost, none at night, none after opting out."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import boto3
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from chalicelib.domain.clock import ICT
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.status import FINAL, Status
from chalicelib.notify.outbox import enqueue
from chalicelib.store.guard import opt_out
from local.pump.lambda_events import LocalContext, stream_event
from tests.conftest import REGION
from tests.factories import PERSON_PHONE, REP_PHONE, SS, UNIT

SETTLED = FINAL | {Status.SENT}  # in-process, no receipt comes: `sent` is where a send ends


def _payments(make, count: int) -> list[str]:
    make.employer()
    for n in range(count):
        facts = {"payment_id": f"PT-{n}", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 1000 + n}
        make.ledger(f"payment#PT-{n}", facts)
    return [f"payment_received#PT-{n}" for n in range(count)]


def _whole_stream(stack, output: str) -> dict:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = stack.outputs[output]
    records: list[dict] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        records += streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
    return stream_event(records, arn)


def test_a_whole_stream_batch_delivered_three_times_sends_nothing_twice(
    pump, make, stack, sent_sms, status, functions
) -> None:
    ids = _payments(make, 3)
    make.person()
    make.ledger(
        "declaration#D-1",
        {"declaration_id": "D-1", "unit_code": UNIT, "ss_code": SS, "plan": "GH"} | {"effective_period": "2026-12"},
    )
    ledger_batch = _whole_stream(stack, "LedgerStreamArn")
    for _ in range(3):  # the ledger's batch, redelivered before the pump has seen it
        assert functions.invoke("decide", ledger_batch, LocalContext("decide")) == {"batchItemFailures": []}
    outbox_batch = _whole_stream(stack, "NotificationsStreamArn")
    for _ in range(3):  # and the outbox's: each notice is put on its lane three times
        functions.invoke("route", outbox_batch, LocalContext("route"))
    pump.run_until_idle()  # then the real streams, which hold the same records once more
    for _ in range(3):
        functions.invoke("decide", ledger_batch, LocalContext("decide"))
        functions.invoke("route", _whole_stream(stack, "NotificationsStreamArn"), LocalContext("route"))
    pump.run_until_idle()

    assert sorted(sms.phone for sms in sent_sms()) == sorted([REP_PHONE] * 3 + [PERSON_PHONE])
    assert {status(i) for i in [*ids, "contribution_stopped#D-1"]} == {Status.SENT}


def test_a_notice_created_at_23_00_goes_out_at_07_00(pump, make, sent_sms, clock, status) -> None:
    clock.set(datetime(2026, 11, 25, 23, 0, tzinfo=ICT))
    [notice_id] = _payments(make, 1)
    pump.run_until_idle()
    assert status(notice_id) == Status.HELD

    clock.set(datetime(2026, 11, 26, 6, 59, tzinfo=ICT))
    pump.run_until_idle()
    assert sent_sms() == []
    clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=ICT))
    pump.run_until_idle()
    assert len(sent_sms()) == 1 and status(notice_id) == Status.SENT


def test_a_notice_reaching_the_sender_after_21_00_is_held_rather_than_sent(pump, make, sent_sms, clock, status) -> None:
    clock.set(datetime(2026, 11, 25, 20, 59, tzinfo=ICT))
    [notice_id] = _payments(make, 1)
    pump.run_until_idle()
    assert len(sent_sms()) == 1  # 20:59: goes at once

    clock.set(datetime(2026, 11, 25, 20, 59, 30, tzinfo=ICT))
    make.ledger("payment#LATE", {"payment_id": "LATE", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 1})
    decide_only = [s for s in pump._streams if s.name == "decide"]
    for source in decide_only:
        pump._pump_stream(source)  # the notice is created at 20:59:30 …
    clock.set(datetime(2026, 11, 25, 21, 0, 30, tzinfo=ICT))  # … and its stream record is read at 21:00:30
    pump.run_until_idle()
    assert status("payment_received#LATE") == Status.HELD and len(sent_sms()) == 1
    assert status(notice_id) == Status.SENT
    clock.set(datetime(2026, 11, 26, 7, 1, tzinfo=ICT))
    pump.run_until_idle()
    assert status("payment_received#LATE") == Status.SENT and len(sent_sms()) == 2


def test_a_phone_that_sent_bh_huy_gets_no_notice_but_still_gets_an_urgent_one(
    pump, make, svc, sent_sms, status
) -> None:
    [notice_id] = _payments(make, 1)
    opt_out(svc.tables, REP_PHONE)
    pump.run_until_idle()
    assert sent_sms() == [] and status(notice_id) == Status.OPTED_OUT

    urgent = Notice("payment_received", "urgent#1", Recipient("phone", REP_PHONE), {
        "unit_code": UNIT, "amount_vnd": "1", "paid_on": "2026-11-05"}, urgent=True)  # fmt: skip
    enqueue(svc, urgent)
    pump.run_until_idle()
    assert [sms.phone for sms in sent_sms()] == [REP_PHONE]


def test_a_phone_on_the_sns_opt_out_list_is_refused_by_sns_and_its_receipt_says_opted_out(
    pump, make, status, deliver_recorded_sms, notice
) -> None:
    make.employer(phone="+84912345699")  # moto's SNS says numbers ending in 99 opted out
    make.ledger("payment#PT-9", {"payment_id": "PT-9", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 9})
    pump.run_until_idle()
    assert status("payment_received#PT-9") == Status.SENT  # no CheckIfPhoneNumberIsOptedOut call per notice
    deliver_recorded_sms()  # SNS does not deliver it: its delivery-status record is a FAILURE
    pump.run_until_idle()
    refused = notice("payment_received#PT-9")
    assert refused.status == Status.OPTED_OUT and "opted out" in refused.reason


def _walk(pump, clock, notice, ids: list[str], *, steps: int = 40) -> None:
    """Let the 15-minute job run until every notice is in a final status (bounded)."""
    for _ in range(steps):
        pump.run_until_idle()
        if all(notice(i).status in SETTLED for i in ids):
            return
        clock.advance(minutes=15)


def test_injected_sns_failures_end_with_every_notice_sent_or_failed_with_a_reason(
    pump, make, notice, clock, sent_sms, failing_sns, pauses
) -> None:
    ids = _payments(make, 8)
    failing_sns.errors = ["Throttling", "ServiceUnavailable", "InvalidParameter", "AuthorizationError"]
    failing_sns.errors += ["Throttling"] * 4 + ["InternalError"] * 4  # two notices fail a whole call, then recover
    _walk(pump, clock, notice, ids)

    notices = [notice(i) for i in ids]
    by_status: dict[str, int] = {}
    for n in notices:
        by_status[n.status] = by_status.get(n.status, 0) + 1
        assert n.status in SETTLED
        if n.status != Status.SENT:
            assert n.reason
    assert by_status == {Status.SENT: 6, Status.PERMANENT_FAILURE: 1, Status.TECHNICAL_FAILURE: 1}
    assert len(sent_sms()) == 6
    assert pauses, "the transient errors were retried after a backoff pause"
    assert sorted(n.reason for n in notices if n.reason) == ["AuthorizationError", "InvalidParameter"]


def test_a_notice_that_keeps_failing_is_given_up_after_the_bound_with_its_reason(
    pump, make, notice, clock, sent_sms, failing_sns
) -> None:
    [dedupe_key] = _payments(make, 1)
    failing_sns.errors = ["Throttling"] * 1000
    _walk(pump, clock, notice, [dedupe_key])
    failed = notice(dedupe_key)
    assert failed.status == Status.TECHNICAL_FAILURE
    assert failed.reason == "gave up after 5 attempts (last: Throttling)"
    assert failing_sns.calls == 5 * 4 and sent_sms() == []


def test_a_publish_whose_answer_was_lost_is_never_sent_again(pump, make, notice, clock, sent_sms, failing_sns) -> None:
    [dedupe_key] = _payments(make, 1)
    failing_sns.errors = [ReadTimeoutError(endpoint_url="https://sns.ap-southeast-1.amazonaws.com/")]
    _walk(pump, clock, notice, [dedupe_key])
    lost = notice(dedupe_key)
    assert lost.status == Status.TECHNICAL_FAILURE
    assert lost.reason.startswith("ReadTimeoutError: SNS may have sent it")
    assert failing_sns.calls == 1 and sent_sms() == []


def test_a_publish_that_never_connected_is_tried_again(pump, make, notice, clock, sent_sms, failing_sns) -> None:
    [dedupe_key] = _payments(make, 1)
    failing_sns.errors = [EndpointConnectionError(endpoint_url="https://sns.ap-southeast-1.amazonaws.com/")]
    _walk(pump, clock, notice, [dedupe_key])
    assert notice(dedupe_key).status == Status.SENT
    assert failing_sns.calls == 2 and len(sent_sms()) == 1


def test_a_notice_left_sending_by_a_dead_sender_is_settled_as_failed_and_never_sent_again(
    pump, make, svc, clock, sent_sms, notice_id, functions
) -> None:
    from chalicelib.notify.release import STUCK_REASON

    keys = _payments(make, 2)
    dead, alive = (notice_id(k) for k in keys)
    model = svc.tables.notifications
    for dedupe_key in keys:
        enqueue(svc, Notice("payment_received", dedupe_key, Recipient("employer", UNIT)))
    model(dead).update(actions=[model.status.set(Status.SENDING), model.updated_at.set("2026-11-25T02:40:00Z")])
    model(alive).update(actions=[model.status.set(Status.SENDING), model.updated_at.set("2026-11-25T02:58:00Z")])

    assert functions.tick("release_held", clock())["settled"] == 1  # 10:00 in Hanoi: 20 and 2 minutes after the claims
    pump.run_until_idle()
    assert (model.get(dead).status, model.get(dead).reason) == (Status.TECHNICAL_FAILURE, STUCK_REASON)
    assert model.get(alive).status == Status.SENDING
    assert sent_sms() == []


def test_delivery_receipts_mark_a_notice_delivered_or_retry_a_temporary_failure(
    pump, make, notice, clock, sent_sms, publish_receipt, status
) -> None:
    first, second = _payments(make, 2)
    pump.run_until_idle()
    publish_receipt(notice(first).provider_id)
    publish_receipt(notice(second).provider_id, ok=False, response="Phone is currently unreachable/unavailable")
    pump.run_until_idle()
    assert status(first) == Status.DELIVERED
    assert status(second) == Status.TEMPORARY_FAILURE
    assert Status.UNREACHABLE in notice(second).reason

    publish_receipt(notice(first).provider_id, ok=False, response="Unknown error")  # late: changes nothing
    clock.advance(minutes=16)
    pump.run_until_idle()
    assert status(first) == Status.DELIVERED and status(second) == Status.SENT and len(sent_sms()) == 3


def test_a_poison_ledger_record_fails_alone_and_the_rest_of_its_batch_is_told(
    pump, make, stack, sent_sms, functions
) -> None:
    make.employer()
    make.ledger("declaration#BAD", {"declaration_id": "BAD", "plan": "GH"})  # no unit, no ss_code
    make.ledger("payment#PT-1", {"payment_id": "PT-1", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 1})
    batch = _whole_stream(stack, "LedgerStreamArn")
    answer = functions.invoke("decide", batch, LocalContext("decide"))
    bad = batch["Records"][0]["dynamodb"]["SequenceNumber"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": bad}]}
    pump.run_until_idle()
    assert [sms.phone for sms in sent_sms()] == [REP_PHONE]


def test_a_unicode_stage_keeps_diacritics_in_free_text(pump, make, svc, sent_sms) -> None:
    svc.settings = dataclasses.replace(svc.settings, unicode_sms=True)
    facts = {"dossier_no": "A1", "procedure": "600", "submitter_phone": PERSON_PHONE, "status": "returned"}
    make.ledger("dossier#A1", facts | {"received_on": "2026-11-20", "note": "Thiếu giấy tờ"})
    pump.run_until_idle()
    [sms] = sent_sms()
    assert sms.text.endswith("Ly do: Thiếu giấy tờ")


def test_a_sender_killed_mid_batch_leaves_unsure_only_the_notice_it_stopped_at_and_the_rest_are_sent(
    pump, make, svc, clock, sent_sms, notice, notice_id, functions, monkeypatch
) -> None:
    import pytest

    from chalicelib.aws.lanes import LaneMessage
    from chalicelib.domain.lanes import Lane
    from chalicelib.notify.release import STUCK_REASON
    from chalicelib.notify.sender import send_messages
    from local.moto.faults import InvocationKilled

    first, second, third = keys = _payments(make, 3)
    params = {"unit_code": UNIT, "amount_vnd": "1000", "paid_on": "2026-11-05"}
    for dedupe_key in keys:
        enqueue(svc, Notice("payment_received", dedupe_key, Recipient("employer", UNIT), params=params))
    sns = svc.sms

    class DiesAtTheSecondPublish:
        calls = 0

        def send(self, phone: str, text: str) -> str:
            self.calls += 1
            if self.calls == 2:
                raise InvocationKilled("send")  # the process is gone: nothing after this runs
            return sns.send(phone, text)

    monkeypatch.setattr(svc, "sms", DiesAtTheSecondPublish())
    with pytest.raises(InvocationKilled):
        send_messages(svc, Lane.BULK, [(f"m-{n}", LaneMessage(notice_id(k), None)) for n, k in enumerate(keys)])
    pump.run_until_idle()  # the lane's messages come back: the claims stand, nothing is sent
    assert [notice(k).status for k in keys] == [Status.SENT, Status.SENDING, Status.SENDING]

    clock.advance(minutes=16)
    assert functions.tick("release_held", clock())["settled"] == 1
    pump.run_until_idle()
    assert (notice(second).status, notice(second).reason) == (Status.TECHNICAL_FAILURE, STUCK_REASON)
    assert notice(first).status == notice(third).status == Status.SENT  # the third was never published
    assert len(sent_sms()) == 2


def _sends_through(svc, monkeypatch, after_first) -> None:
    """The sender's SMS go to SNS; `after_first` runs once the first is published (the world moves
    on while a sender is mid-claim)."""
    sns = svc.sms

    class ThenTheWorldMoves:
        calls = 0

        def send(self, phone: str, text: str) -> str:
            provider_id = sns.send(phone, text)
            self.calls += 1
            if self.calls == 1:
                after_first()
            return provider_id

    monkeypatch.setattr(svc, "sms", ThenTheWorldMoves())


def _three_claimed(make, svc, notice_id) -> tuple[list[str], list]:
    from chalicelib.aws.lanes import LaneMessage

    keys = _payments(make, 3)
    for n, dedupe_key in enumerate(keys):  # each its own text, so that a doubled SMS shows
        params = {"unit_code": UNIT, "amount_vnd": str(1000 + n), "paid_on": "2026-11-05"}
        enqueue(svc, Notice("payment_received", dedupe_key, Recipient("employer", UNIT), params=params))
    return keys, [(f"m-{n}", LaneMessage(notice_id(k), None)) for n, k in enumerate(keys)]


def test_a_claim_the_15_minute_job_took_over_after_a_clock_jump_is_not_sent_on_so_no_sms_goes_twice(
    pump, make, svc, clock, sent_sms, notice, notice_id, functions, monkeypatch
) -> None:
    """The soak's clock jumped 50 minutes while senders were mid-claim (issue 24): the job took the
    claims over and sent their rest again, and the first senders went on sending the same SMS."""
    from chalicelib.domain.lanes import Lane
    from chalicelib.domain.status import MAYBE_SENT
    from chalicelib.notify.sender import send_messages

    (first, second, third), messages = _three_claimed(make, svc, notice_id)

    def the_clock_jumps_and_the_job_runs() -> None:
        clock.advance(minutes=50)
        functions.tick("release_held", clock())

    _sends_through(svc, monkeypatch, the_clock_jumps_and_the_job_runs)
    assert send_messages(svc, Lane.BULK, messages) == []
    pump.run_until_idle()

    texts = sent_sms()
    assert len(texts) == 3 and len(set(texts)) == 3  # one SMS a notice, none twice
    assert MAYBE_SENT in (notice(first).reason or "")  # the job could not know it went: it says so
    assert notice(second).status == notice(third).status == Status.SENT


def test_a_sender_whose_claim_lapsed_gives_the_rest_back_and_a_fresh_claim_sends_each_once(
    pump, make, svc, clock, sent_sms, notice, notice_id, monkeypatch
) -> None:
    from chalicelib.domain.claims import CLAIM_HOLDS
    from chalicelib.domain.lanes import Lane
    from chalicelib.notify.sender import send_messages

    keys, messages = _three_claimed(make, svc, notice_id)
    _sends_through(svc, monkeypatch, lambda: clock.advance(seconds=CLAIM_HOLDS.total_seconds()))
    assert send_messages(svc, Lane.BULK, messages) == []
    assert [notice(k).status for k in keys] == [Status.SENT, Status.CREATED, Status.CREATED]  # before the job's 15

    pump.run_until_idle()  # the stream queues the two again
    assert [notice(k).status for k in keys] == [Status.SENT] * 3
    assert [notice(k).attempts for k in keys] == [1, 1, 1]  # the lapsed claim was no attempt
    texts = sent_sms()
    assert len(texts) == 3 and len(set(texts)) == 3


def test_a_claim_whose_answer_was_lost_is_known_to_botocores_retry_of_it_and_to_no_other_sender(
    make, svc, notice_id, notice
) -> None:
    from chalicelib.aws.lanes import LaneMessage
    from chalicelib.notify.sender import _claim
    from chalicelib.store.batches import BatchStates

    [dedupe_key] = _payments(make, 1)
    enqueue(svc, Notice("payment_received", dedupe_key, Recipient("employer", UNIT)))
    message = LaneMessage(notice_id(dedupe_key), None)

    assert _claim(svc, message, BatchStates(svc.tables), "claim-a", None) is not None
    # the same update again, as botocore sends it after a read timeout: DynamoDB had applied the first
    again = _claim(svc, message, BatchStates(svc.tables), "claim-a", None)
    assert again is not None and again.status == Status.SENDING and again.attempts == 1
    assert _claim(svc, message, BatchStates(svc.tables), "claim-b", None) is None  # another sender's: not its


def test_a_lane_message_for_a_notice_already_claimed_is_no_failure_under_the_senders_own_policy(
    make, svc, notice_id, functions, stack
) -> None:
    from local.pump.lambda_events import LocalContext, sqs_event

    [dedupe_key] = _payments(make, 1)
    params = {"unit_code": UNIT, "amount_vnd": "1000", "paid_on": "2026-11-05"}
    enqueue(svc, Notice("payment_received", dedupe_key, Recipient("employer", UNIT), params=params))
    body = f'{{"id": "{notice_id(dedupe_key)}", "batch": null}}'
    arn = f"arn:aws:sqs:{REGION}:123456789012:bhxh-local-bulk"
    for n in range(2):  # the same notice named twice (the urgent lane always gets two: writer and stream)
        event = sqs_event([{"MessageId": f"m-{n}", "ReceiptHandle": f"r-{n}", "Body": body}], arn)
        assert functions.invoke("send", event, LocalContext("send")) == {"batchItemFailures": []}
