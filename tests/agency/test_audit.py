"""The audit trail: appended with who, when, what, from where; listed by day range, staff member and
kind of action (what part 2's audit view reads); never overwritten."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pynamodb.exceptions import PutError

from chalicelib.domain.clock import ICT
from chalicelib.store.audit import Entry, append, at_id, between


def test_entries_are_listed_by_hanoi_day_range_in_time_order(console) -> None:
    start = datetime(2026, 11, 24, 23, 30, tzinfo=ICT)  # 16:30 UTC: still the 24th in Hanoi
    for hours in (0, 1, 20, 49):
        append(
            console.tables,
            Entry("uploader.na", "40", "upload", subject=f"h{hours}"),
            now=start + timedelta(hours=hours),
        )
    days = [(e.day, e.subject) for e in between(console.tables, date(2026, 11, 24), date(2026, 11, 25))]
    assert days == [("2026-11-24", "h0"), ("2026-11-25", "h1"), ("2026-11-25", "h20")]


def test_entries_are_found_by_staff_member_and_by_action_within_a_time_range(console) -> None:
    audit = console.tables.audit
    now = datetime(2026, 11, 25, 10, 0, tzinfo=ICT)
    append(console.tables, Entry("uploader.na", "40", "upload"), now=now)
    append(
        console.tables,
        Entry("uploader.na", "40", "stop", details={"before": {"created": 3}}),
        now=now + timedelta(minutes=1),
    )
    append(console.tables, Entry("uploader.hn", "01", "stop", outcome="refused"), now=now + timedelta(minutes=2))
    mine = [e.action for e in audit.by_staff.query("uploader.na", audit.at_id.between("2026-11-25", "2026-11-26"))]
    assert mine == ["upload", "stop"]
    stops = [(e.staff, e.outcome) for e in audit.by_action.query("stop")]
    assert stops == [("uploader.na", "ok"), ("uploader.hn", "refused")]


def test_an_entry_is_never_overwritten(console, monkeypatch) -> None:
    audit = console.tables.audit
    now = datetime(2026, 11, 25, 10, 0, tzinfo=ICT)
    monkeypatch.setattr("chalicelib.store.audit.at_id", lambda moment: "2026-11-25T03:00:00.000Z#same")
    append(console.tables, Entry("uploader.na", "40", "release"), now=now)
    with pytest.raises(PutError):
        append(console.tables, Entry("uploader.hn", "01", "cancel"), now=now)
    [kept] = list(audit.scan())
    assert (kept.staff, kept.action) == ("uploader.na", "release")


def test_an_entry_is_kept_five_years_by_the_table_s_ttl(console) -> None:
    import boto3

    now = datetime(2028, 2, 29, 10, 0, tzinfo=ICT)
    entry = append(console.tables, Entry("uploader.na", "40", "upload"), now=now)
    assert entry.expires_at == int(datetime(2033, 2, 28, 10, 0, tzinfo=ICT).timestamp())
    dynamodb = boto3.client("dynamodb", region_name="ap-southeast-1")
    ttl = dynamodb.describe_time_to_live(TableName=console.settings.name("audit"))["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_sort_keys_order_by_time_to_the_millisecond_and_never_collide() -> None:
    moment = datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=ICT)
    keys = {at_id(moment) for _ in range(1000)}
    assert len(keys) == 1000 and all(k.startswith("2026-11-25T03:00:00.123Z#") for k in keys)
