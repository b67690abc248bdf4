"""Receipts from where SNS writes them: CloudWatch Logs subscription batches to `delivery_logs`."""

from __future__ import annotations

import base64
import gzip
import json

from chalicelib.domain.status import Status
from chalicelib.store.counters import read_counts
from local.pump.lambda_events import LocalContext, delivery_status_record
from tests.factories import REP_PHONE

FAILURE_GROUP = "sns/ap-southeast-1/123456789012/DirectPublishToPhoneNumber/Failure"


def _status(svc, notice_id: str) -> str:
    return svc.tables.notifications.get(notice_id).status


def test_a_success_record_in_a_gzipped_logs_batch_marks_the_sent_notice_delivered(
    sent_notices, delivery_logs, clock, svc
) -> None:
    [notice] = sent_notices(1)
    assert notice.status == Status.SENT and notice.provider_id

    answer = delivery_logs([delivery_status_record(notice.provider_id, REP_PHONE, clock(), parts=2)])

    assert answer == {"records": 1, Status.DELIVERED: 1}
    delivered = svc.tables.notifications.get(notice.id)
    assert delivered.status == Status.DELIVERED and delivered.receipt_at
    assert (delivered.parts, delivered.price_usd, delivered.carrier) == (2, 0.0798, "local (moto)")


def test_failure_records_move_notices_to_the_status_the_carrier_answer_means(
    sent_notices, delivery_logs, clock, svc
) -> None:
    unknown, unreachable = sent_notices(2)
    records = [
        delivery_status_record(unknown.provider_id, REP_PHONE, clock(), ok=False, response="Invalid phone number"),
        delivery_status_record(
            unreachable.provider_id, REP_PHONE, clock(), ok=False, response="Phone is currently unreachable/unavailable"
        ),
    ]

    answer = delivery_logs(records, group=FAILURE_GROUP)

    assert answer == {"records": 2, Status.PERMANENT_FAILURE: 1, Status.TEMPORARY_FAILURE: 1}
    first, second = (svc.tables.notifications.get(n.id) for n in (unknown, unreachable))
    assert (first.status, first.reason) == (Status.PERMANENT_FAILURE, "Invalid phone number")
    assert second.status == Status.TEMPORARY_FAILURE and second.send_after  # the 15-minute job retries it


def test_malformed_log_events_are_counted_and_skipped_and_the_rest_of_the_batch_applied(
    sent_notices, delivery_logs, clock, svc
) -> None:
    first, second = sent_notices(2)
    batch = [
        delivery_status_record(first.provider_id, REP_PHONE, clock()),
        '{"notification": {"messageId": "cut off',
        json.dumps({"notification": "not an object", "delivery": {"destination": REP_PHONE}}),
        json.dumps([1, 2]),
        delivery_status_record(second.provider_id, REP_PHONE, clock()),
    ]

    answer = delivery_logs(batch)

    assert answer == {"records": 5, Status.DELIVERED: 2, "malformed": 3}
    assert _status(svc, first.id) == _status(svc, second.id) == Status.DELIVERED


def test_a_late_receipt_changes_nothing_and_an_unknown_one_is_parked(sent_notices, delivery_logs, clock, svc) -> None:
    [notice] = sent_notices(1)
    delivery_logs([delivery_status_record(notice.provider_id, REP_PHONE, clock())])

    answer = delivery_logs(
        [
            delivery_status_record(notice.provider_id, REP_PHONE, clock(), ok=False, response="Unknown error"),
            delivery_status_record("no-such-message", REP_PHONE, clock()),
        ],
        group=FAILURE_GROUP,
    )

    assert answer == {"records": 2, "ignored": 1, "parked": 1}
    assert _status(svc, notice.id) == Status.DELIVERED


def test_a_control_message_is_answered_without_touching_the_outbox(functions) -> None:
    data = {"messageType": "CONTROL_MESSAGE", "logGroup": "", "logStream": "", "logEvents": []}
    event = {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}
    assert functions.invoke("delivery_logs", event, LocalContext("delivery_logs")) == {"records": 0}


def test_the_local_pump_reports_each_recorded_sms_delivered_through_delivery_logs(
    sent_notices, deliver_recorded_sms, pump, svc
) -> None:
    notices = sent_notices(2)
    assert deliver_recorded_sms()
    pump.run_until_idle()  # the outbox stream counts the deliveries, their parts and their price

    assert [_status(svc, n.id) for n in notices] == [Status.DELIVERED, Status.DELIVERED]
    day = svc.clock().strftime("%Y-%m-%d")
    counts = read_counts(svc.tables, [day], ["payment_received"], ["sent", "delivered", "parts", "spend_musd"])
    assert counts == {
        (day, "payment_received", "sent"): 2,
        (day, "payment_received", "delivered"): 2,
        (day, "payment_received", "parts"): 2,
        (day, "payment_received", "spend_musd"): 79_800,  # 2 × $0.0399: the receipts' own price
    }
