"""What a person may flag and the case it opens, pure: one flag per fact (a keyed id that does not give
the person away), outcomes staff can write, and the one SMS a closed case sends, in one segment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.flags import (
    BadFlag,
    Flag,
    FlagKind,
    case_code,
    case_id,
    closed_notice,
    is_case_id,
    read_case_code,
    read_flag,
    read_outcome,
)
from chalicelib.domain.privacy import contains_personal
from chalicelib.domain.templates import render
from chalicelib.domain.text import count_segments

KEY = b"k" * 32


def test_flags_are_read_in_the_contracts_two_shapes() -> None:
    assert read_flag({"kind": "unpaid_month", "period": "10/2026"}) == Flag(FlagKind.UNPAID_MONTH, "2026-10")
    assert read_flag({"kind": "unknown_visit", "claim_id": " kcb-1 "}) == Flag(FlagKind.UNKNOWN_VISIT, "KCB-1")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "kind"),
        ({"kind": "UNPAID_MONTH", "period": "2026-10"}, "kind"),
        ({"kind": "unpaid_month", "period": 202610}, "period"),
        ({"kind": "unpaid_month", "period": "2026-10-01"}, "period"),
        ({"kind": "unpaid_month", "period": "1899-12"}, "period"),
        ({"kind": "unknown_visit", "claim_id": ""}, "claim_id"),
        ({"kind": "unknown_visit", "claim_id": "a b"}, "claim_id"),
        ({"kind": "unknown_visit", "claim_id": "ＫＣＢ"}, "claim_id"),
    ],
)
def test_a_flag_out_of_shape_names_its_field(body, field) -> None:
    with pytest.raises(BadFlag) as caught:
        read_flag(body)
    assert caught.value.field == field


def test_one_fact_one_case_id_which_hides_the_person() -> None:
    flag = Flag(FlagKind.UNPAID_MONTH, "2026-10")
    first = case_id(flag.fact_key("0110129425"), KEY)
    assert first == case_id(flag.fact_key("0110129425"), KEY)
    assert first != case_id(flag.fact_key("0110129426"), KEY)
    assert first != case_id(Flag(FlagKind.UNPAID_MONTH, "2026-11").fact_key("0110129425"), KEY)
    assert first != case_id(flag.fact_key("0110129425"), b"x" * 32)
    assert is_case_id(first) and not contains_personal(first) and "0110129425" not in first


@pytest.mark.parametrize("outcome", ["", "   ", "x" * 501, "ok\x00", "ok\u202e", "ok\u200b", None, 5, ["ok"]])
def test_an_outcome_must_be_words_staff_can_write(outcome) -> None:
    with pytest.raises(InvalidValue):
        read_outcome(outcome)


def test_an_outcome_keeps_its_lines_and_is_trimmed() -> None:
    assert read_outcome("  Đã xử lý.\nĐơn vị đã nộp.  ") == "Đã xử lý.\nĐơn vị đã nộp."


def test_a_closed_case_tells_the_person_once_naming_the_month_or_the_visit() -> None:
    month = closed_notice("case-x", "0110129425", Flag(FlagKind.UNPAID_MONTH, "2026-10"), {})
    assert (month.dedupe_key, month.recipient.kind, month.recipient.ref) == (
        "case_closed#case-x",
        "person",
        "0110129425",
    )
    assert "thang 10/2026" in render(month.template, month.params)
    visit = closed_notice("case-y", "0110129425", Flag(FlagKind.UNKNOWN_VISIT, "KCB-1"), {"visit_on": "2026-11-05"})
    assert "lan kham BHYT ngay 05/11/2026" in render(visit.template, visit.params)


@settings(max_examples=80, deadline=None)
@given(
    kind=st.sampled_from(list(FlagKind)),
    day=st.dates(date(1900, 1, 1), date(9999, 12, 31)),
    claim=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-", min_size=1, max_size=64),
    code=st.one_of(
        st.none(),
        st.builds(
            case_code,
            st.from_regex(r"\A[0-9]{2}\Z"),
            st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)),
            st.integers(1, 999_999),
        ),
    ),
)
def test_case_closed_fits_one_gsm7_segment_for_any_input(kind, day, claim, code) -> None:
    subject = day.isoformat()[:7] if kind is FlagKind.UNPAID_MONTH else claim
    notice = closed_notice("case-" + "a" * 24, "0110129425", Flag(kind, subject), {"visit_on": day.isoformat()}, code)
    text = render(notice.template, notice.params)
    assert (count_segments(text).encoding, count_segments(text).count) == ("GSM-7", 1), text
    assert (code or "Phan anh cua ban") in text


def test_a_case_code_names_the_province_the_hanoi_month_and_the_sequence() -> None:
    late_in_november_utc = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # 1 December 01:00 in Hanoi
    assert case_code("40", late_in_november_utc, 42) == "BHXH-40-2612-0042"
    assert case_code("01", late_in_november_utc, 12_345) == "BHXH-01-2612-12345"
    assert read_case_code("  bhxh-40-2612-0042 ") == "BHXH-40-2612-0042"


@pytest.mark.parametrize(
    "raw", ["", "BHXH-40-2612-42", "BHXH-400-2612-0042", "BHXH-40-2612-0042x", None, 42, "ＢＨＸＨ-40-2612-0042"]
)
def test_a_case_code_out_of_shape_is_refused(raw) -> None:
    with pytest.raises(InvalidValue):
        read_case_code(raw)
