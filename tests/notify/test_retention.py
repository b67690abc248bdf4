"""Personal data in the outbox expires; the notice itself (its key and status) stays, so it is still
told at most once, with no second item read or written; the counts stay too."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from chalicelib.domain.clock import ICT
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.status import Status
from chalicelib.notify.outbox import enqueue
from chalicelib.notify.retention import EXPIRED_UNSENT, notice_id
from chalicelib.store.counters import all_counts
from local.pump.lambda_events import LocalContext, stream_event
from tests.conftest import REGION
from tests.factories import EMPLOYERS_CSV, PAYMENTS_CSV

PERSONAL = ("params", "recipient_kind", "recipient_ref", "phone", "provider_id", "send_after", "expires_at")


def _expire_outbox(svc, stack, pump, functions, *, days: int = 8) -> int:
    """What DynamoDB's TTL does `days` from now (moto never runs it): delete every item whose time has
    passed, the stream's REMOVE records naming DynamoDB as who removed them, as AWS's do. (The clock
    stays: moving it 8 days would run 768 quarter-hour jobs through the pump.)"""
    pump.run_until_idle()
    now = int((svc.clock() + timedelta(days=days)).timestamp())
    gone = [item for item in svc.tables.notifications.scan() if item.expires_at and item.expires_at <= now]
    for item in gone:
        item.delete()
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = stack.outputs["NotificationsStreamArn"]
    removals = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
        removals += [r for r in records if r["eventName"] == "REMOVE"]
    for record in removals:
        record["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    if removals:
        functions.invoke("route", stream_event(removals, arn), LocalContext("route"))
    pump.run_until_idle()  # the same REMOVE records once more, as a delete by anyone: changes nothing
    return len(gone)


def test_a_notice_carries_a_ttl_seven_days_after_it_was_created(pump, upload, notice, clock) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    assert notice("payment_received#PT-0001").expires_at == int((clock() + timedelta(days=7)).timestamp())


def test_the_retention_comes_from_the_stage_environment(pump, upload, svc, notice, clock, monkeypatch) -> None:
    monkeypatch.setattr(svc, "settings", type(svc.settings)(**{**vars(svc.settings), "personal_data_days": 2}))
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    assert notice("payment_received#PT-0001").expires_at == int((clock() + timedelta(days=2)).timestamp())


def test_after_the_ttl_the_notice_stays_without_its_personal_data(
    pump, upload, svc, stack, notice, clock, deliver_recorded_sms, functions
) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    deliver_recorded_sms()
    pump.run_until_idle()
    sent = notice("payment_received#PT-0001")
    assert _expire_outbox(svc, stack, pump, functions) == 1

    kept = notice("payment_received#PT-0001")
    assert kept.status == Status.DELIVERED and kept.template == "payment_received" and kept.stripped_at
    assert (kept.parts, kept.price_usd, kept.carrier) == (1, 0.0399, "local (moto)")
    assert (kept.created_at, kept.sent_at, kept.batch) == (sent.created_at, sent.sent_at, sent.batch)
    assert kept.batch.startswith("incoming/payments/p.csv?versionId=")  # the upload it came from
    assert all(getattr(kept, name) is None for name in PERSONAL)
    assert "0912345678" not in str(kept.attribute_values) and "TZH490L" not in str(kept.attribute_values)


@pytest.mark.parametrize("after_the_ttl", [False, True], ids=["at once", "after the ttl"])
def test_a_file_uploaded_again_sends_nothing_under_its_name_or_another_at_once_or_after_the_ttl(
    after_the_ttl, pump, upload, svc, stack, clock, sent_sms, notice, functions
) -> None:
    """The one test of "a re-upload sends nothing" (CONTRACT): the same file again under its own
    name and under another, the copy with a changed fact of the same payment."""
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    assert len(sent_sms()) == 1

    if after_the_ttl:
        assert _expire_outbox(svc, stack, pump, functions) == 1
    upload("payments", "p-again.csv", PAYMENTS_CSV.replace("12500000", "12600000"))  # a changed fact, same payment
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()

    assert len(sent_sms()) == 1
    assert bool(notice("payment_received#PT-0001").stripped_at) is after_the_ttl


def test_a_notice_that_never_went_is_kept_cancelled_saying_why(
    pump, make, svc, stack, clock, notice, functions
) -> None:
    make.employer()
    facts = {"payment_id": "PT-1", "unit_code": "TZH490L", "paid_on": "2026-11-05", "amount_vnd": 1}
    make.ledger("payment#PT-1", facts)
    clock.set(clock().replace(hour=22))  # held for the night, and then (say) its batch paused for a week
    pump.run_until_idle()
    assert notice("payment_received#PT-1").status == Status.HELD
    _expire_outbox(svc, stack, pump, functions)
    kept = notice("payment_received#PT-1")
    assert (kept.status, kept.reason) == (Status.CANCELLED, EXPIRED_UNSENT)


def _expire_guard(svc, *, days: int = 8) -> int:
    """What DynamoDB's TTL does to guard `days` from now (as _expire_outbox)."""
    now = int((svc.clock() + timedelta(days=days)).timestamp())
    gone = [item for item in svc.tables.guard.scan() if item.expires_at and item.expires_at <= now]
    for item in gone:
        item.delete()
    return len(gone)


def test_anonymous_otp_requests_and_sms_queries_leave_no_guard_item_for_good(
    svc, stack, clock, pump, functions
) -> None:
    from chalicelib.api.otp import request_otp
    from chalicelib.inbound.queries import handle_inbound_sms
    from tests.factories import carrier

    with functions.as_function("api_handler") as api:
        for ss_code in ("0110129425", "0220234567"):  # neither on file: anyone can ask
            request_otp(api, ss_code, "198.51.100.7")
        for body in ("BH", "BH QT 0110129425", "BH HUY"):
            handle_inbound_sms(api, carrier(body))
    pump.run_until_idle()  # and sent
    guard = list(svc.tables.guard.scan())
    assert {item.pk.split("#", 1)[0] for item in guard} >= {"otp", "rate", "sms"}
    kept = [item.pk for item in guard if item.expires_at is None]
    assert all(pk.startswith(("count#", "optout#")) for pk in kept), kept  # per day and template; BH HUY's own
    _expire_outbox(svc, stack, pump, functions)
    _expire_guard(svc)
    assert all(item.pk.startswith(("count#", "optout#")) for item in svc.tables.guard.scan())


def test_an_otp_or_a_reply_leaves_nothing_for_good(svc, stack, pump, clock, functions) -> None:
    otp = Notice("otp", "otp#req-1", Recipient("phone", "+84912345678"), {"request_id": "req-1", "minutes": "5"}, True)
    assert enqueue(svc, otp) == Status.CREATED
    assert _expire_outbox(svc, stack, pump, functions) == 1
    assert list(svc.tables.notifications.scan()) == []


def test_the_counts_outlive_the_expired_notices(pump, upload, svc, stack, clock, functions) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    day = clock().astimezone(ICT).date().isoformat()
    _expire_outbox(svc, stack, pump, functions)
    counts = all_counts(svc.tables)
    assert counts[(day, "payment_received", "created")] == 1
    assert counts[(day, "payment_received", "sent")] == 1


def test_a_notice_key_reveals_no_personal_value(svc) -> None:
    key = svc.dedupe_hash_key()
    kept = notice_id("voluntary_due#0110129425#2026-12", key)
    assert kept.startswith("voluntary_due#")
    assert "0110129425" not in kept and "2026-12" not in kept
    assert kept == notice_id("voluntary_due#0110129425#2026-12", key)
    assert kept != notice_id("voluntary_due#0110129425#2026-12", b"another key of thirty-two chars!!")


def test_a_notice_costs_no_second_item(pump, upload, svc) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    kinds = {item.pk.split("#", 1)[0] for item in svc.tables.guard.scan()}
    assert "told" not in kinds
    assert all(item.expires_at is None for item in svc.tables.guard.scan() if item.pk.startswith("count#"))
