"""Fixtures for notices from data to phone: SNS failures injected at the sender's client, delivery
receipts published or logged as SNS would, and notices sent (data from tests/factories.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local.pump.lambda_events import LocalContext, cloudwatch_logs_event, delivery_status_record
from tests.conftest import REGION
from tests.factories import UNIT


@pytest.fixture
def status(notice) -> Callable[[str], str]:
    """A notice's status, by its dedupe key."""
    return lambda dedupe_key: notice(dedupe_key).status


@dataclass
class FailingSns:
    """Replaces the sender's SNS publish: raises the queued errors first, then publishes for real."""

    real: Callable[..., Any]
    errors: list[str | Exception] = field(default_factory=list)  # an error code, or the error itself
    calls: int = 0

    def __call__(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.errors:
            error = self.errors.pop(0)
            if isinstance(error, Exception):
                raise error
            raise ClientError({"Error": {"Code": error, "Message": "injected"}}, "Publish")
        return self.real(**kwargs)


@pytest.fixture
def failing_sns(functions, monkeypatch: pytest.MonkeyPatch) -> FailingSns:
    sns = functions.services("send").clients.sms
    fake = FailingSns(sns.publish)
    monkeypatch.setattr(sns, "publish", fake)
    return fake


@pytest.fixture
def publish_receipt(stack, clock):
    """Publish an SNS delivery-status record for a message id to the stage's status topic."""
    sns = boto3.client("sns", region_name=REGION)

    def publish(message_id: str, ok: bool = True, response: str = "Message has been accepted by phone carrier") -> None:
        record = delivery_status_record(message_id, "+84900000000", clock(), ok=ok, response=response)
        sns.publish(TopicArn=stack.outputs["SmsStatusTopicArn"], Message=record)

    return publish


@pytest.fixture
def sent_notices(make, pump, notice) -> Callable[[int], list[Any]]:
    """`n` payment notices to the employer's representative, sent: their outbox items."""

    def send(n: int) -> list[Any]:
        make.employer()
        for i in range(n):
            facts = {"payment_id": f"PT-{i}", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 1000 + i}
            make.ledger(f"payment#PT-{i}", facts)
        pump.run_until_idle()
        return [notice(f"payment_received#PT-{i}") for i in range(n)]

    return send


@pytest.fixture
def delivery_logs(functions, clock) -> Callable[..., dict[str, Any]]:
    """Invoke the `delivery_logs` function (its middleware too, under its own role) as a subscription
    filter on one of SNS's delivery-status log groups would: the messages gzipped and base64'd in
    `awslogs.data`."""

    def invoke(messages: list[str], group: str = "sns/ap-southeast-1/123456789012/DirectPublishToPhoneNumber") -> dict:
        event = cloudwatch_logs_event(group, messages, clock())
        return functions.invoke("delivery_logs", event, LocalContext("delivery_logs"))

    return invoke
