"""Each sender paces itself to its share of the account's SMS rate (domain/lanes.py), so that all
of them together meet no throttling rather than meeting it and backing off.

The rate is counted in message parts, as SNS counts it (MPS): a two-part SMS takes two intervals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """At most `per_second` parts a second through this pacer, evenly spaced.

    Wall time, not the business clock: it is about the provider's rate, not about what day it is.
    One pacer per sender instance and lane (`Services.pacer`): a Lambda instance is one process
    running one invocation at a time; the local stack's pump runs each instance as a thread.
    """

    def __init__(
        self,
        per_second: float,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._now = now
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    @property
    def per_second(self) -> float:
        return 1.0 / self._interval if self._interval else float("inf")

    def acquire(self, parts: int = 1) -> None:
        """Wait for this SMS's turn; it then takes `parts` intervals of the rate."""
        with self._lock:
            now = self._now()
            wait = self._next - now
            self._next = max(now, self._next) + self._interval * max(parts, 1)
        if wait > 0:
            self._sleep(wait)
