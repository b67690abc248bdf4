"""The local stack's movable clock: a file holding how far ahead of real time the stack runs.

`make clock AT=…` moves it forward; the API, the pump and every rule read the same file, so a
person can watch a card expire without waiting a month. Never used outside the local stage.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

from chalicelib.domain.clock import ICT, Clock


def read_offset(path: str) -> float:
    try:
        return float(json.loads(Path(path).read_text())["offset_s"])
    except (OSError, ValueError, KeyError):
        return 0.0


def write_target(path: str, at: datetime, real_now: float | None = None) -> float:
    """Set the clock so that it says `at` now; returns the new offset in seconds (never negative)."""
    real = time.time() if real_now is None else real_now
    aware = at if at.tzinfo else at.replace(tzinfo=ICT)
    offset = max(read_offset(path), aware.timestamp() - real)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps({"offset_s": offset}))
    return offset


def file_clock(path: str) -> Clock:
    def now() -> datetime:
        return datetime.fromtimestamp(time.time() + read_offset(path), ICT)

    return now
