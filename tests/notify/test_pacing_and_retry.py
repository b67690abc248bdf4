"""The sender's pacing and its bounded retries, without AWS and without waiting."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from chalicelib.aws.pacing import Pacer
from chalicelib.domain.status import Status
from chalicelib.notify.receipts import receipt_status
from chalicelib.notify.retry import CALL_ATTEMPTS, failure_status, is_transient, publish_retryable, with_retries


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}}, "Publish")


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_spaces_sends_evenly_at_the_configured_rate() -> None:
    t = FakeTime()
    pacer = Pacer(20, now=lambda: t.now, sleep=t.sleep)
    for _ in range(41):
        pacer.acquire()
    assert t.now == pytest.approx(102.0)  # 41 sends at 20 a second: two seconds after the first


def test_a_pacer_that_was_idle_lets_the_next_send_go_at_once() -> None:
    t = FakeTime()
    pacer = Pacer(10, now=lambda: t.now, sleep=t.sleep)
    pacer.acquire()
    t.now += 5
    pacer.acquire()
    assert t.slept == []


def test_throttling_is_retried_with_growing_pauses_then_succeeds() -> None:
    outcomes = [_error("Throttling"), _error("Throttling"), "msg-1"]
    pauses: list[float] = []

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert with_retries(call, sleep=pauses.append) == "msg-1"
    # 0.2 s then 0.4 s, each plus up to 0.1 s of jitter: the second is always longer
    assert len(pauses) == 2 and 0.2 <= pauses[0] <= 0.3 < 0.4 <= pauses[1] <= 0.5


def test_retries_stop_at_the_bound_and_raise_the_last_error() -> None:
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        raise _error("ServiceUnavailable")

    with pytest.raises(ClientError):
        with_retries(call, sleep=lambda _: None)
    assert len(calls) == CALL_ATTEMPTS


def test_an_error_that_will_not_get_better_is_not_retried() -> None:
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        raise _error("InvalidParameter")

    with pytest.raises(ClientError):
        with_retries(call, sleep=lambda _: None)
    assert len(calls) == 1


def test_a_lost_answer_is_retried_for_a_lookup_but_never_for_a_publish() -> None:
    lost = ReadTimeoutError(endpoint_url="https://sns")
    assert is_transient(lost) and not publish_retryable(lost)
    assert publish_retryable(_error("Throttling"))
    assert publish_retryable(EndpointConnectionError(endpoint_url="https://sns"))


def test_errors_map_to_the_contracts_failure_statuses() -> None:
    assert failure_status(_error("Throttling")) == Status.TEMPORARY_FAILURE
    assert failure_status(_error("InvalidParameter")) == Status.PERMANENT_FAILURE
    assert failure_status(_error("AuthorizationError")) == Status.TECHNICAL_FAILURE
    assert failure_status(RuntimeError("boom")) == Status.TECHNICAL_FAILURE


def test_receipts_map_carrier_answers_to_statuses() -> None:
    assert receipt_status({"status": "SUCCESS"}) == (Status.DELIVERED, None)
    fail = {"status": "FAILURE", "delivery": {"providerResponse": "Phone is currently unreachable/unavailable"}}
    assert receipt_status(fail)[0] == Status.TEMPORARY_FAILURE
    fail["delivery"]["providerResponse"] = "Phone number is opted out"
    assert receipt_status(fail)[0] == Status.OPTED_OUT
    fail["delivery"]["providerResponse"] = "Invalid phone number"
    assert receipt_status(fail) == (Status.PERMANENT_FAILURE, "Invalid phone number")
