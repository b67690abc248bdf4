"""No notice stays `sent` for ever, and no receipt is lost (CONTRACT, "Timing and delivery"): a
receipt that comes before its send is recorded is applied; 72 hours without one is a temporary
failure that is never sent again; a receipt's price, parts and carrier stay on the notice."""

from __future__ import annotations

from chalicelib.domain.receipts import read_receipt
from chalicelib.domain.status import NO_RECEIPT, Status
from chalicelib.handlers import release_held
from chalicelib.notify.receipts import apply_receipts
from chalicelib.store import receipts as store
from local.pump.lambda_events import delivery_status_record
from tests.factories import REP_PHONE


def test_a_receipt_that_comes_before_the_send_is_recorded_is_applied(
    functions, make, pump, clock, delivery_logs, notice, monkeypatch
) -> None:
    sns = functions.services("send").clients.sms  # the sender's own client, under its role
    publish = sns.publish
    early: list[dict] = []

    def publish_and_receipt(**kwargs):  # the carrier answers before the sender has written `sent`
        answer = publish(**kwargs)
        early.append(delivery_logs([delivery_status_record(answer["MessageId"], REP_PHONE, clock(), parts=1)]))
        return answer

    monkeypatch.setattr(sns, "publish", publish_and_receipt)
    [key] = make.payments(1)
    pump.run_until_idle()
    assert early == [{"records": 1, "parked": 1}]
    delivered = notice(key)
    assert delivered.status == Status.DELIVERED and delivered.price_usd == 0.0399 and delivered.carrier


def test_a_receipt_parked_while_route_was_looking_is_applied_by_whoever_parked_it(
    svc, make, pump, clock, notice, monkeypatch
) -> None:
    import chalicelib.notify.receipts as flow

    [key] = make.payments(1)
    pump.run_until_idle()
    sent = notice(key)
    receipt = read_receipt(delivery_status_record(sent.provider_id, REP_PHONE, clock()))
    svc.tables.guard(f"sms#{sent.provider_id}").delete()  # as if `route` had not recorded it yet …
    original = store.park_receipt

    def park_then_route_records(tables, r, *, clock):  # … and recorded it (and found nothing) meanwhile
        original(tables, r, clock=clock)
        store.record_sent(tables, {sent.provider_id: sent.id}, clock=clock)

    monkeypatch.setattr(flow, "park_receipt", park_then_route_records)
    assert apply_receipts([receipt], tables=svc.tables, clock=clock) == {Status.DELIVERED: 1}
    assert notice(key).status == Status.DELIVERED


def test_72_hours_without_a_receipt_is_a_temporary_failure_never_sent_again(
    svc, make, pump, clock, notice, sent_sms
) -> None:
    [key] = make.payments(1)
    pump.run_until_idle()
    clock.advance(hours=71, minutes=59)
    release_held.handle()
    assert notice(key).status == Status.SENT
    clock.advance(minutes=1)
    assert release_held.handle()["no_receipt"] == 1
    ended = notice(key)
    assert (ended.status, ended.reason) == (Status.TEMPORARY_FAILURE, NO_RECEIPT)
    for _ in range(3):  # the retry job never takes it: sending again could tell twice
        clock.advance(hours=6)
        assert release_held.handle()["retried"] == 0
    pump.run_until_idle()
    assert len(sent_sms()) == 1 and notice(key).status == Status.TEMPORARY_FAILURE


def test_a_receipt_after_the_72_hours_still_corrects_the_notice(svc, make, pump, clock, notice, delivery_logs) -> None:
    [key] = make.payments(1)
    pump.run_until_idle()
    clock.advance(hours=73)
    release_held.handle()
    late = delivery_status_record(notice(key).provider_id, REP_PHONE, clock())
    assert delivery_logs([late]) == {"records": 1, Status.DELIVERED: 1}
    delivered = notice(key)
    assert delivered.status == Status.DELIVERED and delivered.reason is None


def test_the_72_hour_rule_applies_a_parked_receipt_rather_than_failing_the_notice(
    svc, make, pump, clock, notice
) -> None:
    [key] = make.payments(1)
    pump.run_until_idle()
    sent = notice(key)
    store.park_receipt(
        svc.tables, read_receipt(delivery_status_record(sent.provider_id, REP_PHONE, clock())), clock=clock
    )
    clock.advance(hours=72, minutes=15)
    assert release_held.handle()["no_receipt"] == 0
    assert notice(key).status == Status.DELIVERED


def test_the_figures_count_the_no_receipt_notices_and_the_real_spend(svc, make, pump, clock, delivery_logs) -> None:
    from chalicelib.store.counters import all_counts

    keys = make.payments(2)
    pump.run_until_idle()
    first = svc.tables.notifications.get(
        __import__("chalicelib.notify.retention", fromlist=["x"]).notice_id(keys[0], svc.dedupe_hash_key())
    )
    delivery_logs([delivery_status_record(first.provider_id, REP_PHONE, clock(), parts=2)])
    clock.advance(hours=72, minutes=15)
    release_held.handle()
    pump.run_until_idle()
    counts = {(m, n) for (_, _, m), n in all_counts(svc.tables).items()}
    assert {("sent", 2), ("delivered", 1), ("no_receipt", 1), ("parts", 2), ("spend_musd", 79_800)} <= counts


def test_a_receipt_record_reads_price_parts_and_carrier_as_sns_writes_them() -> None:
    record = (
        '{"notification": {"messageId": "34d9b400-c6dd-5444-820d-fbeb0f1f54cf",'
        ' "timestamp": "2016-06-28 00:40:34.558"},'
        ' "delivery": {"phoneCarrier": "My Phone Carrier", "mnc": 270, "destination": "+1XXX5550100",'
        ' "priceInUSD": 0.00645, "smsType": "Transactional", "mcc": 310, "numberOfMessageParts": 1,'
        ' "providerResponse": "Message has been accepted by phone carrier", "dwellTimeMs": 599,'
        ' "dwellTimeMsUntilDeviceAck": 1344}, "status": "SUCCESS"}'
    )  # the example record of the SNS documentation ("monitor SNS texts with CloudWatch"), parts added
    receipt = read_receipt(record)
    assert (receipt.status, receipt.parts, receipt.carrier, receipt.price_musd) == (
        Status.DELIVERED,
        1,
        "My Phone Carrier",
        6450,
    )
    odd = read_receipt(
        record.replace("0.00645", '"free"').replace('"numberOfMessageParts": 1', '"numberOfMessageParts": -3')
    )
    assert (odd.price_usd, odd.parts) == (None, None)


def test_a_late_receipt_of_an_earlier_attempt_leaves_a_notice_being_sent_to_its_sender(svc, make, clock) -> None:
    notice = make.notice("payment_received#PT-0", Status.SENDING, provider_id="sns-first", claim_id="now")
    store.record_sent(svc.tables, {"sns-first": notice}, clock=clock)
    receipt = read_receipt(delivery_status_record("sns-first", REP_PHONE, clock()))
    assert apply_receipts([receipt], tables=svc.tables, clock=clock) == {"ignored": 1}
    assert svc.tables.notifications.get(notice).status == Status.SENDING  # the claim's outcome is written next
