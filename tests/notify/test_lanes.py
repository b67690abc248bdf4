"""Two lanes under one rate: the outbox stream only routes, OTPs and replies go on the urgent queue
and never wait behind the bulk one, and a lane message delivered again sends nothing twice."""

from __future__ import annotations

import json

import boto3
from botocore.exceptions import ClientError

from chalicelib.domain.lanes import Lane
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.status import Status
from chalicelib.notify.outbox import enqueue
from local.pump.lambda_events import LocalContext, sqs_event
from tests.conftest import REGION
from tests.factories import REP_PHONE


def _waiting(stack, output: str) -> list[dict]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = stack.outputs[output]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return [{"count": int(attrs["ApproximateNumberOfMessages"])}]


def _otp(svc, n: int = 1) -> Notice:
    return Notice(
        "otp", f"otp#req-{n}", Recipient("phone", REP_PHONE), {"request_id": f"req-{n}", "minutes": "5"}, True
    )


def _route_only(pump) -> None:
    """Read the streams (decide, then route) without polling any queue."""
    for source in pump._streams:
        pump._pump_stream(source)
    for source in pump._streams:
        pump._pump_stream(source)


def test_the_outbox_stream_puts_urgent_notices_on_the_urgent_queue_and_the_rest_on_bulk(pump, make, svc, stack) -> None:
    make.payments(3)
    enqueue(svc, _otp(svc))
    _route_only(pump)
    assert _waiting(stack, "UrgentQueueUrl") == [{"count": 2}]  # its writer's message and the stream's
    assert _waiting(stack, "BulkQueueUrl") == [{"count": 3}]


def test_an_urgent_notice_is_on_its_queue_as_soon_as_it_is_written_not_when_the_stream_reads_it(svc, stack) -> None:
    assert enqueue(svc, _otp(svc)) == Status.CREATED
    assert _waiting(stack, "UrgentQueueUrl") == [{"count": 1}]
    assert _waiting(stack, "BulkQueueUrl") == [{"count": 0}]


def test_an_urgent_notice_whose_direct_queueing_fails_is_still_queued_by_the_stream(
    pump, svc, stack, monkeypatch
) -> None:
    def refused(lane, messages):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "SendMessageBatch")

    monkeypatch.setattr(svc.lanes, "send", refused)
    assert enqueue(svc, _otp(svc)) == Status.CREATED  # the notice is written all the same
    assert _waiting(stack, "UrgentQueueUrl") == [{"count": 0}]
    monkeypatch.undo()
    _route_only(pump)
    assert _waiting(stack, "UrgentQueueUrl") == [{"count": 1}]


def test_a_lane_message_names_the_notice_and_its_batch_never_its_text(pump, make, svc, stack, notice) -> None:
    make.payments(1)
    _route_only(pump)
    sqs = boto3.client("sqs", region_name=REGION)
    [message] = sqs.receive_message(QueueUrl=stack.outputs["BulkQueueUrl"])["Messages"]
    body = json.loads(message["Body"])
    assert body == {"id": notice("payment_received#PT-0").id, "batch": "incoming/payments/2026-11.csv"}


def test_an_otp_overtakes_a_bulk_backlog(pump, make, svc, sent_sms, status) -> None:
    make.payments(40)
    _route_only(pump)  # forty notices wait on the bulk queue
    enqueue(svc, _otp(svc))
    _route_only(pump)
    pump.run_once()  # one batch of each queue
    texts = [sms.text for sms in sent_sms()]
    assert any("Ma xac thuc" in t for t in texts)
    assert len(texts) <= 11  # the OTP and at most one bulk batch: the backlog did not go first
    pump.run_until_idle()
    assert len(sent_sms()) == 41


def test_a_lane_message_delivered_three_times_sends_once(pump, make, svc, stack, sent_sms, notice, functions) -> None:
    make.payments(1)
    _route_only(pump)
    sqs = boto3.client("sqs", region_name=REGION)
    url = stack.outputs["BulkQueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for _ in range(3):
        answer = functions.invoke("send", sqs_event(messages, arn), LocalContext("send"))
        assert answer == {"batchItemFailures": []}
    assert len(sent_sms()) == 1
    assert notice("payment_received#PT-0").attempts == 1


def test_a_message_that_is_not_a_lane_message_is_reported_failed_alone(pump, make, stack, sent_sms, functions) -> None:
    make.payments(1)
    _route_only(pump)
    sqs = boto3.client("sqs", region_name=REGION)
    url = stack.outputs["BulkQueueUrl"]
    [good] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    bad = dict(good, MessageId="bad-1", Body="not json")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    answer = functions.invoke("send", sqs_event([bad, good], arn), LocalContext("send"))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "bad-1"}]}
    assert len(sent_sms()) == 1


def test_each_lane_paces_at_its_share_of_the_account_rate_over_its_senders(svc) -> None:
    import dataclasses

    svc.settings = dataclasses.replace(svc.settings, sms_per_second=20, urgent_sms_per_second=1, bulk_senders=4)
    assert svc.pacer(Lane.BULK).per_second == 4.75 and svc.pacer(Lane.URGENT).per_second == 0.5
    assert svc.pacer(Lane.BULK) is svc.pacer(Lane.BULK)  # kept across invocations of this instance


def test_a_reply_of_several_parts_is_paced_and_recorded_as_that_many(svc, pump, notice_id) -> None:
    from chalicelib.domain import sms_replies
    from chalicelib.domain.text import count_segments
    from chalicelib.inbound.queries import handle_inbound_sms
    from tests.factories import carrier

    handle_inbound_sms(svc, carrier("BH ?", sender=REP_PHONE, inbound_id="in-1"))
    pump.run_until_idle()
    reply = svc.tables.notifications.get(notice_id("reply#in-1"))
    assert reply.status == Status.SENT
    assert reply.parts == count_segments(sms_replies.HELP).count > 1
