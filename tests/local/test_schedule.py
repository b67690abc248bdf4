from datetime import UTC, datetime

from local.pump.lambda_events import stream_event
from local.pump.schedule import cron_matches, occurrences


def test_a_daily_0800_hanoi_cron_fires_once_a_day_at_01_00_utc() -> None:
    fired = list(
        occurrences(
            "cron(0 1 * * ? *)", datetime(2026, 11, 25, 0, 0, tzinfo=UTC), datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
        )
    )
    assert fired == [datetime(2026, 11, d, 1, 0, tzinfo=UTC) for d in (25, 26, 27)]


def test_a_rate_of_fifteen_minutes_fires_on_the_quarter_hours_passed() -> None:
    fired = list(
        occurrences(
            "rate(15 minutes)", datetime(2026, 11, 25, 0, 7, tzinfo=UTC), datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
        )
    )
    assert [f.minute for f in fired] == [15, 30, 45, 0]


def test_cron_reads_eventbridge_day_of_week_with_sunday_as_one() -> None:
    sunday = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    assert cron_matches("0 1 ? * 1 *", sunday)
    assert not cron_matches("0 1 ? * 2 *", sunday)


def test_stream_records_get_their_source_arn_and_an_epoch_creation_time() -> None:
    record = {
        "eventName": "INSERT",
        "dynamodb": {"ApproximateCreationDateTime": datetime(2026, 1, 1, tzinfo=UTC), "SequenceNumber": "1"},
    }
    [fixed] = stream_event([record], "arn:stream")["Records"]
    assert fixed["eventSourceARN"] == "arn:stream"
    assert fixed["dynamodb"]["ApproximateCreationDateTime"] == 1767225600
