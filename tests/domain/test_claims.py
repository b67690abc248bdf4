"""A sender lets go of its claim before the 15-minute job may take it over."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chalicelib.domain.claims import CLAIM_HOLDS, STUCK_AFTER, claim_lapsed

CLAIMED = "2026-11-25T03:00:00Z"
AT_CLAIM = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_a_claim_holds_until_claim_holds_has_passed_and_lapses_from_then_on() -> None:
    assert not claim_lapsed(CLAIMED, AT_CLAIM)
    assert not claim_lapsed(CLAIMED, AT_CLAIM + CLAIM_HOLDS - timedelta(seconds=1))
    assert claim_lapsed(CLAIMED, AT_CLAIM + CLAIM_HOLDS)
    assert claim_lapsed(CLAIMED, AT_CLAIM + timedelta(minutes=50))  # the soak's clock jump


def test_a_claim_without_a_readable_aware_time_has_lapsed() -> None:
    for stored in (None, "", "yesterday", "2026-11-25T03:00:00"):
        assert claim_lapsed(stored, AT_CLAIM), stored


def test_a_claim_outlives_any_sender_and_lapses_well_before_the_job_takes_it_over() -> None:
    config = json.loads((Path(__file__).parents[2] / ".chalice" / "config.json").read_text())
    timeout = config["lambda_functions"].get("send", {}).get("lambda_timeout", config["lambda_timeout"])
    assert timedelta(seconds=timeout) < CLAIM_HOLDS
    assert timedelta(minutes=5) <= STUCK_AFTER - CLAIM_HOLDS  # one publish and its retries fit in between
