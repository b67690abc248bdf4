"""The metrics the agency alarms on, as CloudWatch would read them from the embedded metric format:
rows taken and rejected per kind, notices by kind and status, unreachable recipients, queries by
syntax, OTPs and SNS throttles."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from chalicelib.api.otp import request_otp
from chalicelib.domain.status import Status
from chalicelib.inbound.queries import handle_inbound_sms
from tests.factories import carrier


@pytest.fixture
def emf(capsys):
    """Every EMF metric printed since the test began: {(name, dimensions…): total}."""

    def read() -> Counter:
        totals: Counter = Counter()
        for line in capsys.readouterr().out.splitlines():
            if not line.startswith('{"_aws"'):
                continue
            blob = json.loads(line)
            [directive] = blob["_aws"]["CloudWatchMetrics"]
            assert directive["Namespace"] == "BHXH"
            dims = tuple(f"{d}={blob[d]}" for d in directive["Dimensions"][0] if d != "service")
            for metric in directive["Metrics"]:
                totals[(metric["Name"], *dims)] += sum(blob[metric["Name"]])
        return totals

    return read


def test_a_day_of_files_and_notices_is_counted_by_kind_and_status(known_day, emf) -> None:
    known_day()
    metrics = emf()
    assert metrics[("RowsTaken", "kind=payments")] == 2
    assert metrics[("RowsRejected", "kind=payments")] == 1
    assert metrics[("RowsTaken", "kind=employers")] == 2
    for status in (Status.CREATED, Status.SENDING, Status.SENT):
        assert metrics[("Notices", "template=payment_received", f"status={status}")] == 1, status
    assert metrics[("Notices", "template=payment_received", "status=unreachable")] == 1
    assert metrics[("UnreachableRecipients", "template=payment_received")] == 1


def test_queries_are_counted_by_syntax_and_otps_once_each(svc, pump, emf) -> None:
    for body in ("BH ?", "BH ?", "BH QT"):
        handle_inbound_sms(svc, carrier(body, sender="+84912345678"))
    request_otp(svc, "0110129425", "198.51.100.7")
    metrics = emf()
    assert sum(n for key, n in metrics.items() if key[0] == "SmsQueries") == 3
    assert len({key for key in metrics if key[0] == "SmsQueries"}) == 2  # two syntaxes: help, and a bad QT
    assert metrics[("OtpRequested",)] == 1


def test_an_sns_throttle_is_counted_each_time_it_is_retried(svc, pump, emf) -> None:
    from chalicelib.notify import retry

    calls = iter([ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "Publish")] * 2)

    def publish() -> str:
        error = next(calls, None)
        if error is not None:
            raise error
        return "msg-1"

    assert retry.with_retries(publish, sleep=lambda _: None) == "msg-1"
    assert emf()[("SnsThrottles",)] == 2
