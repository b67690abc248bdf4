"""Personal data in the outbox expires; a notice is still told at most once, and the counts stay."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.clock import ICT
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.status import Status
from chalicelib.notify.outbox import enqueue
from chalicelib.notify.retention import marker_id
from chalicelib.store.counters import all_counts
from tests.factories import EMPLOYERS_CSV, PAYMENTS_CSV


def _expire_outbox(svc) -> int:
    """What DynamoDB's TTL does (moto never runs it): delete every item whose time has passed."""
    now = int(svc.clock().timestamp())
    gone = [item for item in svc.tables.notifications.scan() if item.expires_at and item.expires_at <= now]
    for item in gone:
        item.delete()
    return len(gone)


def test_a_notice_carries_a_ttl_seven_days_after_it_was_created(pump, upload, svc, clock) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    notice = svc.tables.notifications.get("payment_received#PT-0001")
    assert notice.expires_at == int((clock() + timedelta(days=7)).timestamp())


def test_the_retention_comes_from_the_stage_environment(pump, upload, svc, clock, monkeypatch) -> None:
    monkeypatch.setattr(svc, "settings", type(svc.settings)(**{**vars(svc.settings), "personal_data_days": 2}))
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    notice = svc.tables.notifications.get("payment_received#PT-0001")
    assert notice.expires_at == int((clock() + timedelta(days=2)).timestamp())


def test_a_file_uploaded_again_after_the_outbox_expired_sends_nothing(pump, upload, svc, clock, sent_sms) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    assert len(sent_sms()) == 1

    clock.advance(days=8)
    assert _expire_outbox(svc) == 1
    assert svc.tables.notifications.count("payment_received#PT-0001") == 0
    upload("payments", "p-again.csv", PAYMENTS_CSV.replace("12500000", "12600000"))  # a changed fact, same payment
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()

    assert len(sent_sms()) == 1
    assert svc.tables.notifications.count("payment_received#PT-0001") == 0


def test_a_notice_enqueued_again_after_its_outbox_item_expired_is_not_queued(svc, clock) -> None:
    notice = Notice(
        template="payment_received",
        dedupe_key="payment_received#PT-1",
        recipient=Recipient("phone", "+84912345678"),
        params={"unit_code": "TZH490L", "amount_vnd": "1000", "paid_on": "2026-11-05"},
    )
    assert enqueue(svc, notice) == Status.CREATED
    clock.advance(days=8)
    assert _expire_outbox(svc) == 1
    assert enqueue(svc, notice) is None
    assert svc.tables.notifications.count("payment_received#PT-1") == 0


def _expire_guard(svc) -> int:
    now = int(svc.clock().timestamp())
    gone = [item for item in svc.tables.guard.scan() if item.expires_at and item.expires_at <= now]
    for item in gone:
        item.delete()
    return len(gone)


def test_anonymous_otp_requests_and_sms_queries_leave_no_guard_item_for_good(svc, clock, pump, functions) -> None:
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
    assert {item.pk.split("#", 1)[0] for item in guard} >= {"otp", "rate", "told"}
    kept = [item.pk for item in guard if item.expires_at is None]
    assert all(pk.startswith(("count#", "optout#")) for pk in kept), kept  # per day and template; BH HUY's own
    clock.advance(days=8)
    _expire_outbox(svc)
    _expire_guard(svc)
    assert all(item.pk.startswith(("count#", "optout#")) for item in svc.tables.guard.scan())


def test_the_counts_outlive_the_expired_notices(pump, upload, svc, clock) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    day = clock().astimezone(ICT).date().isoformat()
    clock.advance(days=8)
    _expire_outbox(svc)
    counts = all_counts(svc.tables)
    assert counts[(day, "payment_received", Status.CREATED)] == 1
    assert counts[(day, "payment_received", Status.SENT)] == 1


def test_a_told_marker_reveals_no_personal_value(svc) -> None:
    key = svc.dedupe_key()
    marker = marker_id("voluntary_due#0110129425#2026-12", key)
    assert marker.startswith("told#voluntary_due#")
    assert "0110129425" not in marker and "2026-12" not in marker
    assert marker == marker_id("voluntary_due#0110129425#2026-12", key)
    assert marker != marker_id("voluntary_due#0110129425#2026-12", b"another key of thirty-two chars!!")


def test_the_markers_and_counters_carry_no_expiry(pump, upload, svc) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    kept = [item for item in svc.tables.guard.scan() if item.pk.startswith(("told#", "count#"))]
    assert {item.pk.split("#", 1)[0] for item in kept} == {"told", "count"}
    assert all(item.expires_at is None for item in kept)
