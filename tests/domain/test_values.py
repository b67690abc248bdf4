from datetime import date

import pytest

from chalicelib.domain import identifiers
from chalicelib.domain.dates import parse_date, parse_month, sms_date
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.money import format_vnd, parse_vnd
from chalicelib.domain.phones import mask_phone, normalize_mobile


@pytest.mark.parametrize(
    "raw", ["0912345678", "84912345678", "+84912345678", "+84 912 345 678", "091.234.5678", "091-234-5678"]
)
def test_every_written_form_of_a_mobile_becomes_e164(raw: str) -> None:
    assert normalize_mobile(raw) == "+84912345678"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("02438251234", "mobile"),  # a Hanoi landline
        ("01662345678", "renumbered"),  # pre-2018 eleven digits
        ("+14155550123", "Vietnamese"),
        ("12345", "Vietnamese"),
        ("abc", "phone"),
    ],
)
def test_numbers_that_cannot_receive_sms_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        normalize_mobile(raw)


def test_a_masked_phone_keeps_only_its_last_three_digits() -> None:
    assert mask_phone("+84912345678") == "********678"


def test_money_is_written_with_dots_between_thousands() -> None:
    assert format_vnd(12_500_000) == "12.500.000"
    assert format_vnd(0) == "0"


@pytest.mark.parametrize("raw", ["12,5", "-3", "1.000", "", "1e6"])
def test_money_that_is_not_a_whole_non_negative_number_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="not a whole number"):
        parse_vnd(raw)


def test_dates_are_read_in_both_agency_forms() -> None:
    assert parse_date("2026-11-05") == date(2026, 11, 5)
    assert parse_date("05/11/2026") == date(2026, 11, 5)
    assert sms_date("2026-11-05") == "05/11/2026"


@pytest.mark.parametrize("raw", ["31/02/2026", "2026-13-01", "5 Nov 2026"])
def test_impossible_or_foreign_dates_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue):
        parse_date(raw)


def test_months_are_normalised_and_month_thirteen_refused() -> None:
    assert parse_month("10/2026") == "2026-10"
    assert parse_month("2026-1") == "2026-01"
    with pytest.raises(InvalidValue, match="impossible month"):
        parse_month("13/2026")


def test_codes_are_compared_upper_case_and_checked_by_shape() -> None:
    assert identifiers.unit_code(" tzh490l ") == "TZH490L"
    assert identifiers.card_no("hc4010110129425") == "HC4010110129425"
    assert identifiers.card_ss_code("HC4010110129425") == "0110129425"
    assert identifiers.dossier_no("04486.G/2020/08708") == "04486.G/2020/08708"
    for bad, check in [
        ("01101294", identifiers.ss_code),
        ("HC6010110129425", identifiers.card_no),
        ("AB", identifiers.unit_code),
    ]:
        with pytest.raises(InvalidValue):
            check(bad)
