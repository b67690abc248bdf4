"""Every notice of the contract, from the ledger item ingest writes to the SMS SNS recorded."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.clock import ICT
from chalicelib.domain.status import Status
from tests.factories import PERSON_PHONE, REP_PHONE, SS, SUBMITTER_PHONE, UNIT

DOSSIER_NO = "03706/2026/07906"
DOSSIER = {
    "dossier_no": DOSSIER_NO,
    "procedure": "600",
    "submitter_phone": SUBMITTER_PHONE,
    "status": "received",
    "received_on": "2026-11-20",
    "appointment_on": "2026-12-01",
}


def _declaration(plan: str, **more) -> dict:
    return {
        "declaration_id": "D-1",
        "unit_code": UNIT,
        "ss_code": SS,
        "plan": plan,
        "effective_period": "2026-12",
    } | more


@pytest.mark.parametrize(
    ("pk", "facts", "dedupe_key", "phone", "must_name"),
    [
        (
            "payment#PT-1",
            {"payment_id": "PT-1", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 12500000},
            "payment_received#PT-1",
            REP_PHONE,
            [UNIT, "12.500.000 dong", "05/11/2026"],
        ),
        ("declaration#D-1", _declaration("GH"), "contribution_stopped#D-1", PERSON_PHONE, [UNIT, "12/2026", "dung"]),
        ("declaration#D-1", _declaration("TS"), "contribution_paused#D-1", PERSON_PHONE, [UNIT, "12/2026", "thai san"]),
        (
            "declaration#D-1",
            _declaration("DC", salary_vnd=8000000, previous_salary_vnd=9500000),
            "contribution_reduced#D-1",
            PERSON_PHONE,
            [UNIT, "8.000.000 dong", "12/2026"],
        ),
        (
            f"dossier#{DOSSIER_NO}",
            DOSSIER,
            f"dossier_received#{DOSSIER_NO}",
            SUBMITTER_PHONE,
            [DOSSIER_NO, "01/12/2026"],
        ),
    ],
)
def test_a_ledger_fact_reaches_its_recipients_phone_naming_what_the_contract_says(
    pump, make, sent_sms, status, pk, facts, dedupe_key, phone, must_name
) -> None:
    make.employer()
    make.person()
    make.ledger(pk, facts)
    pump.run_until_idle()

    [sms] = sent_sms()
    assert sms.phone == phone
    for fact in must_name:
        assert fact in sms.text
    assert status(dedupe_key) == Status.SENT


@pytest.mark.parametrize(("new_status", "fact"), [("completed", "giai quyet xong"), ("returned", "Thieu to khai")])
def test_a_dossier_completed_or_returned_later_tells_the_submitter_again_once(
    pump, make, sent_sms, new_status, fact
) -> None:
    make.ledger(f"dossier#{DOSSIER_NO}", DOSSIER)
    pump.run_until_idle()
    make.ledger(f"dossier#{DOSSIER_NO}", DOSSIER | {"status": new_status, "note": "Thiếu tờ khai"})
    pump.run_until_idle()
    make.ledger(f"dossier#{DOSSIER_NO}", DOSSIER | {"status": new_status, "note": "Thiếu tờ khai"})  # re-upload
    pump.run_until_idle()

    received, done = sent_sms()
    assert "tiep nhan" in received.text
    assert done.phone == SUBMITTER_PHONE and DOSSIER_NO in done.text and fact in done.text


def _morning(day: int) -> datetime:
    return datetime(2026, 11, day, 8, 5, tzinfo=ICT)


def test_a_household_card_due_today_is_told_at_the_daily_run_with_number_and_expiry(
    pump, make, sent_sms, clock, status
) -> None:
    make.person()
    card = {"card_no": f"GD479{SS}", "ss_code": SS, "valid_from": "2026-01-01", "valid_to": "2026-12-26"}
    make.ledger(f"hi_card#GD479{SS}", card | {"household": True}, due_on="2026-11-26")
    pump.run_until_idle()
    assert sent_sms() == []  # nothing when it arrives

    clock.set(_morning(26))  # the daily 08:00 (01:00 UTC) schedule fires on the way
    pump.run_until_idle()
    [sms] = sent_sms()
    assert sms.phone == PERSON_PHONE and f"GD479{SS}" in sms.text and "26/12/2026" in sms.text
    assert status(f"hi_card_expiring#GD479{SS}#2026-12-26") == Status.SENT


def test_a_voluntary_plan_running_out_is_told_at_the_daily_run_with_the_last_month(pump, make, sent_sms, clock) -> None:
    make.person()
    plan = {"ss_code": SS, "months_per_payment": 3, "paid_to": "2026-12", "income_vnd": 5000000}
    make.ledger(f"voluntary#{SS}", plan, due_on="2026-12-01")
    clock.set(datetime(2026, 12, 1, 8, 1, tzinfo=ICT))
    pump.run_until_idle()
    [sms] = sent_sms()
    assert sms.phone == PERSON_PHONE and "12/2026" in sms.text


def test_arrears_tell_the_representative_and_each_employee_with_a_phone(pump, make, sent_sms, clock, notice) -> None:
    make.employer()
    make.person(SS, phone=PERSON_PHONE)
    make.person("0110129426", phone="+84987654322")
    make.person("0110129427", phone=None)  # no registered phone: not told, not counted
    make.person("0110129428", phone="+84987654323", unit="OTHER1")
    arrears = {"unit_code": UNIT, "period": "2026-10", "owed_vnd": 150000000, "months_late": 1, "interest_vnd": 0}
    make.ledger(f"arrears#{UNIT}#2026-10", arrears, due_on="2026-11-26")
    clock.set(_morning(26))
    pump.run_until_idle()

    by_phone = {sms.phone: sms.text for sms in sent_sms()}
    assert set(by_phone) == {REP_PHONE, PERSON_PHONE, "+84987654322"}
    assert "150.000.000 dong" in by_phone[REP_PHONE] and "10/2026" in by_phone[REP_PHONE]
    assert UNIT in by_phone[PERSON_PHONE] and "10/2026" in by_phone[PERSON_PHONE]
    assert notice(f"arrears_employee#{UNIT}#2026-10#{SS}").status == Status.SENT


def test_the_daily_run_reads_only_what_is_due_today_and_twice_tells_nobody_twice(
    pump, make, sent_sms, clock, functions
) -> None:

    make.person()
    plan = {"ss_code": SS, "months_per_payment": 1, "paid_to": "2026-12", "income_vnd": 5000000}
    make.ledger(f"voluntary#{SS}", plan, due_on="2026-11-26")
    make.ledger("voluntary#0110129499", plan | {"ss_code": "0110129499"}, due_on="2026-11-27")
    clock.set(_morning(26))
    pump.run_until_idle()
    # the same day again: the first run's answer
    assert functions.tick("remind", clock()) == {"due": 1, "queued": 1}
    pump.run_until_idle()
    assert len(sent_sms()) == 1


@pytest.fixture
def tick(functions):
    """Invoke a scheduled function (under its role) with EventBridge's event for the occurrence `at`."""
    return functions.tick


def _household_card(make, valid_to: str, due_on: str) -> None:
    card = {"card_no": f"GD479{SS}", "ss_code": SS, "valid_to": valid_to, "household": True}
    make.ledger(f"hi_card#GD479{SS}", card, due_on=due_on)


def test_a_reminder_whose_daily_runs_were_missed_goes_at_the_next_run(pump, make, sent_sms, clock, tick) -> None:
    make.person()
    clock.set(_morning(25))
    assert tick("remind", _morning(25)) == {"due": 0, "queued": 0}
    _household_card(make, "2026-12-26", "2026-11-26")  # the 26th's and 27th's runs never came
    clock.set(_morning(28))
    assert tick("remind", _morning(28)) == {"due": 1, "queued": 1}
    pump.run_until_idle()
    [sms] = sent_sms()
    assert f"GD479{SS}" in sms.text and "26/12/2026" in sms.text


def test_a_missed_reminder_is_dropped_once_the_card_has_expired(pump, make, sent_sms, clock, tick) -> None:
    make.person()
    clock.set(_morning(20))
    tick("remind", _morning(20))
    _household_card(make, "2026-11-24", "2026-11-21")
    clock.set(_morning(25))
    assert tick("remind", _morning(25)) == {"due": 1, "queued": 0}
    pump.run_until_idle()
    assert sent_sms() == []


def test_a_card_uploaded_after_its_thirty_day_mark_is_told_at_the_next_run(pump, upload, sent_sms, clock) -> None:
    upload("people", "p.csv", f"ss_code,full_name,date_of_birth,phone\n{SS},Nguyễn Văn An,1990-01-01,{PERSON_PHONE}\n")
    cards = (
        "card_no,ss_code,valid_from,valid_to,household,facility\n"
        f"GD479{SS},{SS},2026-01-01,2026-12-05,Y,Trạm y tế\n"  # its 30-day mark was 5 November
        f"GD4790110129426,0110129426,2026-01-01,2026-11-24,Y,Trạm y tế\n"  # expired yesterday: too late
    )
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=ICT))
    upload("hi_cards", "late.csv", cards)
    pump.run_until_idle()
    assert sent_sms() == []
    clock.set(_morning(26))
    pump.run_until_idle()
    [sms] = sent_sms()
    assert f"GD479{SS}" in sms.text and "05/12/2026" in sms.text


def test_a_late_or_retried_run_works_on_the_day_its_event_names(pump, make, sent_sms, clock, tick) -> None:
    make.person()
    _household_card(make, "2026-12-27", "2026-11-27")
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=ICT))  # the 26th's tick, retried late on the 27th
    assert tick("remind", _morning(26)) == {"due": 0, "queued": 0}
    assert tick("remind", _morning(27)) == {"due": 1, "queued": 1}
    pump.run_until_idle()
    assert len(sent_sms()) == 1
