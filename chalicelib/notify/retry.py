"""Bounded retries with backoff around one SNS call, and how an SNS error maps to a status.

tenacity rather than botocore's own retry: the sender has to know which errors were worth
retrying and say so in the notice's status, and tests must run the backoff without waiting
(tenacity takes an injected `sleep`). The SNS client of the sender is made with botocore retries
off (`aws/clients.py` keeps them for every other client), so the two never multiply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError, ConnectionClosedError, ConnectionError, ReadTimeoutError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from chalicelib.domain.status import Status

T = TypeVar("T")

CALL_ATTEMPTS = 4  # one call and three retries: 0.2 s, 0.4 s, 0.8 s (with jitter) apart
TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "KMSThrottling",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
    }
)
PERMANENT_CODES = frozenset({"InvalidParameter", "InvalidParameterValue", "EndpointDisabled", "OptedOut"})


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "Unknown"))
    return type(exc).__name__


def is_transient(exc: BaseException) -> bool:
    """Worth another try soon: throttling, the service's own trouble, the network's."""
    if isinstance(exc, ConnectionError) or outcome_unknown(exc):
        return True
    return isinstance(exc, ClientError) and error_code(exc) in TRANSIENT_CODES


def outcome_unknown(exc: BaseException) -> bool:
    """The request went out and its answer never came back: SNS may have accepted it."""
    return isinstance(exc, ReadTimeoutError | ConnectionClosedError)


def publish_retryable(exc: BaseException) -> bool:
    """A Publish is retried only when it surely sent nothing (refused, throttled, never connected):
    one SMS lost, and said so, is better than one sent twice."""
    return is_transient(exc) and not outcome_unknown(exc)


def failure_status(exc: BaseException) -> str:
    """The outbox status a call's final error leaves: `temporary-failure` (the 15-minute job tries
    again), `permanent-failure` (the number cannot take it), else `technical-failure` (ours)."""
    if is_transient(exc):
        return Status.TEMPORARY_FAILURE
    if isinstance(exc, ClientError) and error_code(exc) in PERMANENT_CODES:
        return Status.PERMANENT_FAILURE
    return Status.TECHNICAL_FAILURE


def _count_throttle(state: RetryCallState) -> None:
    """SNS throttling is the account's SMS rate: the agency's sign to ask for a higher one."""
    exc = state.outcome.exception() if state.outcome else None
    if exc is not None and "Throttl" in error_code(exc):
        from chalicelib.observability import count_metric

        count_metric("SnsThrottles")


def with_retries(
    call: Callable[[], T],
    *,
    sleep: Callable[[float], None] = time.sleep,
    retry_on: Callable[[BaseException], bool] = is_transient,
) -> T:
    """`call()`, retried on transient errors up to CALL_ATTEMPTS; the last error is raised."""
    retrying = Retrying(
        stop=stop_after_attempt(CALL_ATTEMPTS),
        wait=wait_exponential_jitter(initial=0.2, max=5, jitter=0.1),
        retry=retry_if_exception(retry_on),
        sleep=sleep,
        before_sleep=_count_throttle,
        reraise=True,
    )
    return retrying(call)
