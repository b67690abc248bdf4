"""Reminder dates, computed at ingest."""

from datetime import date, datetime

from chalicelib.domain.clock import ICT
from chalicelib.domain.due_dates import arrears_due, hi_card_due, next_run_day, voluntary_due


def test_a_household_card_is_due_thirty_days_before_valid_to_and_other_cards_never() -> None:
    assert hi_card_due(date(2027, 3, 1), household=True) == date(2027, 1, 30)
    assert hi_card_due(date(2027, 3, 1), household=False) is None


def test_a_voluntary_plan_is_due_thirty_days_before_the_last_day_of_its_paid_month() -> None:
    assert voluntary_due("2026-12") == date(2026, 12, 1)
    assert voluntary_due("2028-02") == date(2028, 1, 30)  # a leap year's 29 February


def test_arrears_uploaded_before_the_tenth_are_due_on_the_tenth_of_the_next_month() -> None:
    assert arrears_due("2026-10", datetime(2026, 11, 3, 9, 0, tzinfo=ICT)) == date(2026, 11, 10)
    assert arrears_due("2026-12", datetime(2026, 12, 20, 9, 0, tzinfo=ICT)) == date(2027, 1, 10)
    assert arrears_due("2026-10", datetime(2026, 11, 10, 7, 59, tzinfo=ICT)) == date(2026, 11, 10)


def test_arrears_uploaded_after_their_sending_run_go_with_the_next_daily_run() -> None:
    assert arrears_due("2026-10", datetime(2026, 11, 10, 8, 0, tzinfo=ICT)) == date(2026, 11, 11)
    assert arrears_due("2026-10", datetime(2026, 11, 25, 7, 30, tzinfo=ICT)) == date(2026, 11, 25)
    assert arrears_due("2026-10", datetime(2026, 11, 25, 10, 0, tzinfo=ICT)) == date(2026, 11, 26)


def test_the_arrears_day_is_read_in_vietnam_whatever_zone_the_clock_gives() -> None:
    from datetime import UTC

    # 2026-11-25 00:30 UTC is 07:30 in Hanoi: the 08:00 run of that day has not passed
    assert arrears_due("2026-10", datetime(2026, 11, 25, 0, 30, tzinfo=UTC)) == date(2026, 11, 25)


def test_a_card_or_plan_arriving_after_its_thirty_day_mark_is_due_at_the_next_run() -> None:
    morning, noon = datetime(2026, 12, 20, 7, 0, tzinfo=ICT), datetime(2026, 12, 20, 12, 0, tzinfo=ICT)
    assert hi_card_due(date(2027, 1, 1), household=True, now=morning) == date(2026, 12, 20)
    assert hi_card_due(date(2027, 1, 1), household=True, now=noon) == date(2026, 12, 21)
    assert voluntary_due("2026-12", now=noon) == date(2026, 12, 21)
    assert hi_card_due(date(2027, 3, 1), household=True, now=noon) == date(2027, 1, 30)  # on time: unchanged


def test_nothing_is_due_once_what_it_warns_of_has_passed_before_the_next_run() -> None:
    evening = datetime(2026, 12, 31, 20, 0, tzinfo=ICT)
    assert hi_card_due(date(2026, 12, 31), household=True, now=evening) is None
    assert hi_card_due(date(2027, 1, 1), household=True, now=evening) == date(2027, 1, 1)
    assert voluntary_due("2026-12", now=evening) is None


def test_the_next_run_is_today_before_eight_in_hanoi_and_tomorrow_after() -> None:
    assert next_run_day(datetime(2026, 11, 25, 7, 59, tzinfo=ICT)) == date(2026, 11, 25)
    assert next_run_day(datetime(2026, 11, 25, 8, 0, tzinfo=ICT)) == date(2026, 11, 26)
