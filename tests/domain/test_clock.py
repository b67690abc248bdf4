"""The one stored time format: UTC with a `Z`, to the second or the millisecond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from chalicelib.domain.clock import ICT, utc_iso


def test_a_hanoi_moment_is_written_in_utc_to_the_second() -> None:
    assert utc_iso(datetime(2026, 11, 25, 10, 0, 5, 987_654, tzinfo=ICT)) == "2026-11-25T03:00:05Z"


def test_the_milliseconds_form_keeps_three_digits_even_on_the_second() -> None:
    assert utc_iso(datetime(2026, 11, 25, 7, 0, tzinfo=ICT), milliseconds=True) == "2026-11-25T00:00:00.000Z"
    assert utc_iso(datetime(2026, 11, 25, 0, 0, 0, 42_999, tzinfo=UTC), milliseconds=True) == "2026-11-25T00:00:00.042Z"


def test_moments_from_any_zone_sort_as_text_in_time_order() -> None:
    start = datetime(2026, 12, 31, 23, 30, tzinfo=ICT)
    zones = [ICT, UTC, timezone(timedelta(hours=-5))]
    moments = [(start + timedelta(minutes=n)).astimezone(zones[n % 3]) for n in range(0, 120, 7)]
    assert sorted(moments, key=utc_iso) == moments
