from datetime import datetime

from chalicelib.domain.clock import ICT
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.rules import decide
from chalicelib.domain.templates import render
from chalicelib.domain.text import count_segments

PAYMENT = {
    "kind": "payment",
    "pk": "payment#PT-1",
    "payment_id": "PT-1",
    "unit_code": "TZH490L",
    "paid_on": "2026-11-05",
    "amount_vnd": 12500000,
}


def test_a_new_payment_tells_the_employers_representative_once_by_its_payment_id() -> None:
    [notice] = decide(None, PAYMENT)
    assert notice.template == "payment_received"
    assert notice.dedupe_key == "payment_received#PT-1"
    assert (notice.recipient.kind, notice.recipient.ref) == ("employer", "TZH490L")


def test_a_payment_seen_again_decides_nothing() -> None:
    assert decide(PAYMENT, PAYMENT) == []
    assert decide(PAYMENT, None) == []


def test_an_unknown_kind_decides_nothing() -> None:
    assert decide(None, {"kind": "mystery"}) == []


def test_the_payment_sms_names_unit_amount_and_date_in_one_gsm7_segment() -> None:
    [notice] = decide(None, {**PAYMENT, "amount_vnd": 999_999_999_999, "unit_code": "ABCDEFGHIJ"})
    text = render(notice.template, notice.params)
    assert "ABCDEFGHIJ" in text and "999.999.999.999" in text and "05/11/2026" in text
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == ("GSM-7", 1)


def test_quiet_hours_hold_a_notice_from_21_00_until_07_00() -> None:
    assert release_time(datetime(2026, 11, 25, 20, 59, tzinfo=ICT)) is None
    assert release_time(datetime(2026, 11, 25, 21, 0, tzinfo=ICT)) == datetime(2026, 11, 26, 7, 0, tzinfo=ICT)
    assert release_time(datetime(2026, 11, 26, 6, 59, tzinfo=ICT)) == datetime(2026, 11, 26, 7, 0, tzinfo=ICT)
    assert release_time(datetime(2026, 11, 26, 7, 0, tzinfo=ICT)) is None
