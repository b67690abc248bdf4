"""The sender paces itself to the account's SMS rate (SNS: 20 a second by default, raised on
request), so a burst of notices meets no throttling rather than meeting it and backing off."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """At most `per_second` acquisitions a second in this process, evenly spaced.

    Wall time, not the business clock: it is about the provider's rate, not about what day it is.
    Each concurrent sender takes its share: SMS_PER_SECOND is set per function instance.
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

    def acquire(self) -> None:
        with self._lock:
            now = self._now()
            wait = self._next - now
            self._next = max(now, self._next) + self._interval
        if wait > 0:
            self._sleep(wait)
