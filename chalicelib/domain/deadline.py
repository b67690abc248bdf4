"""An invocation's time: how long a Lambda invocation has left, and when to hand its work on.

Pure: it is given the context's `get_remaining_time_in_millis` (or any such callable), so the same
rule holds under Lambda, the local stack's clock and a test's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

TimeLeft = Callable[[], int]  # milliseconds, as the Lambda context's get_remaining_time_in_millis


@dataclass(frozen=True)
class Deadline:
    """Work stops for a hand-over once fewer than `margin_ms` are left: a quarter of what the
    invocation began with, between `least_ms` and `most_ms` (a flush of what is buffered and the
    hand-over itself fit in it). A 900 s function keeps 30 s back, a 20 s one 5 s."""

    time_left: TimeLeft
    margin_ms: int

    @classmethod
    def of(cls, time_left: TimeLeft, *, least_ms: int = 2_000, most_ms: int = 30_000) -> Deadline:
        return cls(time_left, min(most_ms, max(least_ms, time_left() // 4)))

    def short(self) -> bool:
        return self.time_left() < self.margin_ms

    def roomy(self) -> bool:
        """Time for one more step here rather than on a queue."""
        return self.time_left() >= 2 * self.margin_ms


NEVER = Deadline(lambda: 1 << 40, 0)  # one call does the whole of it (tests, a benchmark's baseline)
