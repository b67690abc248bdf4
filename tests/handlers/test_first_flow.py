"""The first notice end to end over in-process moto: file → ledger → outbox → SNS."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.clock import ICT
from chalicelib.domain.status import Status
from tests.factories import EMPLOYERS_CSV, PAYMENTS_CSV


def test_a_payment_file_sends_the_representative_one_sms_with_unit_amount_and_date(
    pump, upload, read_report, sent_sms, notice
) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "2026-11.csv", PAYMENTS_CSV)
    pump.run_until_idle()

    [sms] = sent_sms()
    assert sms.phone == "+84912345678"
    assert "TZH490L" in sms.text and "12.500.000 dong" in sms.text and "05/11/2026" in sms.text
    report = read_report("reports/payments/2026-11.json")
    assert (report["status"], report["rows"], report["accepted"], report["rejected"]) == ("done", 1, 1, 0)
    sent = notice("payment_received#PT-0001")
    assert sent.status == Status.SENT and sent.provider_id and sent.sent_at and sent.parts == 1


def test_a_payment_of_an_employer_without_a_phone_is_recorded_unreachable(pump, upload, sent_sms, notice) -> None:
    upload("employers", "units.csv", "unit_code,name\nTZH490L,Công ty Dệt may\n")
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    assert sent_sms() == []
    assert notice("payment_received#PT-0001").status == Status.UNREACHABLE


def test_a_payment_arriving_at_night_is_held_until_seven_then_sent(pump, upload, sent_sms, notice, clock) -> None:
    clock.set(datetime(2026, 11, 25, 23, 0, tzinfo=ICT))
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    assert sent_sms() == []
    assert notice("payment_received#PT-0001").status == Status.HELD

    clock.set(datetime(2026, 11, 26, 7, 5, tzinfo=ICT))  # the 15-minute schedule fires at 07:00
    pump.run_until_idle()
    assert len(sent_sms()) == 1
    assert notice("payment_received#PT-0001").status == Status.SENT


def test_the_sms_goes_out_with_the_sender_id_and_as_transactional(pump, upload, functions, monkeypatch) -> None:
    calls: list[dict] = []
    sns = functions.services("send").clients.sms
    original = sns.publish
    monkeypatch.setattr(sns, "publish", lambda **kw: calls.append(kw) or original(**kw))
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()
    [call] = calls
    attributes = call["MessageAttributes"]
    assert attributes["AWS.SNS.SMS.SenderID"]["StringValue"] == "BHXHVN"
    assert attributes["AWS.SNS.SMS.SMSType"]["StringValue"] == "Transactional"
