"""One Lambda invocation, played locally: a fresh context counting down from the function's timeout,
and an answer that came after its deadline is a failure, as a Lambda stopped at its timeout.

Below both the pump (local/pump/event_pump.py) and the queue pollers (local/pump/pollers.py),
which each invoke handlers this way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from local.pump.lambda_events import LocalContext

Handler = Callable[[dict[str, Any], Any], Any]


class PastDeadline(RuntimeError):
    """The handler returned after its context's deadline: Lambda would have stopped it there."""


def invoke(handler: Handler, event: dict[str, Any], name: str, monotonic: Callable[[], float] = time.monotonic) -> Any:
    """One invocation with a fresh context of the function's timeout; late is failed."""
    context = LocalContext(name, clock=monotonic)
    started = monotonic()
    answer = handler(event, context)
    if context.expired():
        took = monotonic() - started
        raise PastDeadline(f"{name} ran past its {context.timeout_ms // 1000} s timeout (it took {took:.1f} s)")
    return answer
