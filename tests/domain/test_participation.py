from __future__ import annotations

from chalicelib.domain.participation import Participation, participation


def _row(period: str, si: int = 1, ui: int = 1, status: str = "paid") -> dict:
    return {"period": period, "si_vnd": si, "ui_vnd": ui, "status": status}


def test_participation_counts_distinct_paid_months_with_a_share_within_the_range() -> None:
    rows = [
        _row("2024-12"),
        _row("2025-01", ui=0),
        _row("2025-01", si=5, ui=5),  # a second unit in the same month
        _row("2025-02", si=0, ui=0),
        _row("2025-03", ui=0),
    ]
    assert participation(rows) == Participation(si_months=3, ui_months=2, owed_months=0)
    assert participation(rows, "2025-01", "2025-12") == Participation(si_months=2, ui_months=1, owed_months=0)


def test_an_owed_month_is_counted_as_owed_and_not_as_time_earned() -> None:
    rows = [_row("2025-01"), _row("2025-02", status="owed"), _row("2025-03", status="owed")]
    assert participation(rows) == Participation(si_months=1, ui_months=1, owed_months=2)
