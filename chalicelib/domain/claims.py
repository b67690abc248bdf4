"""How long a sender's claim on a notice holds, and when the 15-minute job may take it over.

A claim (`created` → `sending`, notify/sender.py) is the only exactly-once guard. The 15-minute job
(notify/release.py) treats a claim older than STUCK_AFTER as its dead sender's and sends its unsent
notices again. A sender therefore never publishes on a claim older than CLAIM_HOLDS, read off the
same clock just before each publish: whatever the job takes over, its sender has let go, even when
the clock jumps (the local stack's `make clock`) or a sender stalls. In AWS a sender lives at most
60 s (every function's timeout), so neither bound is met there by a live sender.
"""

from __future__ import annotations

from datetime import datetime, timedelta

CLAIM_HOLDS = timedelta(minutes=5)
STUCK_AFTER = timedelta(minutes=15)  # the margin covers one publish and its retries after the check


def claim_lapsed(claimed_at: str | None, now: datetime) -> bool:
    """Whether a claim made at `claimed_at` (the stored UTC time) may no longer be published on.
    A claim without a readable time has lapsed: sending on it could not be told from the job's."""
    if not claimed_at:
        return True
    try:
        moment = datetime.fromisoformat(claimed_at.replace("Z", "+00:00"))
    except ValueError:
        return True
    if moment.tzinfo is None:
        return True
    return now - moment >= CLAIM_HOLDS
