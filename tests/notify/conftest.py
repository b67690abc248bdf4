"""Fixtures for notices from data to phone: ledger, people and employer items written straight
through the bound models in the shapes COMMON.md fixes (as ingest writes them), SNS failures
injected at the sender's client, and the backoff's waits recorded instead of slept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.local.events import LocalContext, cloudwatch_logs_event, delivery_status_record
from chalicelib.notify import retry
from tests.conftest import REGION

REP_PHONE = "+84912345678"
PERSON_PHONE = "+84987654321"
SUBMITTER_PHONE = "+84903123456"
UNIT = "TZH490L"
SS = "0110129425"


@pytest.fixture(autouse=True)
def fast_sender(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """No real waits: the pacing rate is high and the backoff's pauses are only recorded."""
    monkeypatch.setenv("SMS_PER_SECOND", "100000")
    pauses: list[float] = []
    monkeypatch.setattr(retry, "pause", pauses.append)
    return pauses


@dataclass
class Data:
    """Writes the items ingest would write."""

    svc: Any

    def employer(self, unit: str = UNIT, phone: str | None = REP_PHONE) -> None:
        self.svc.tables.employers(unit_code=unit, name="Công ty Dệt may Hoàng Mai", rep_phone=phone).save()

    def person(self, ss: str = SS, phone: str | None = PERSON_PHONE, unit: str | None = UNIT) -> None:
        self.svc.tables.people(
            ss_code=ss, full_name="Nguyễn Văn An", date_of_birth="1990-01-01", phone=phone, unit_code=unit
        ).save()

    def ledger(self, pk: str, facts: dict[str, Any], due_on: str | None = None) -> None:
        kind = pk.split("#", 1)[0]
        self.svc.tables.ledger(pk=pk, kind=kind, facts=facts, due_on=due_on, ss_code=facts.get("ss_code")).save()


@pytest.fixture
def data(svc) -> Data:
    return Data(svc)


@pytest.fixture
def status(svc) -> Callable[[str], str]:
    return lambda notice_id: svc.tables.notifications.get(notice_id).status


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
def failing_sns(svc, monkeypatch: pytest.MonkeyPatch) -> FailingSns:
    sns = svc.clients.sms
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
def sent_notices(data, pump, svc) -> Callable[[int], list[Any]]:
    """`n` payment notices to the employer's representative, sent: their outbox items."""

    def send(n: int) -> list[Any]:
        data.employer()
        for i in range(n):
            facts = {"payment_id": f"PT-{i}", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 1000 + i}
            data.ledger(f"payment#PT-{i}", facts)
        pump.run_until_idle()
        return [svc.tables.notifications.get(f"payment_received#PT-{i}") for i in range(n)]

    return send


@pytest.fixture
def delivery_logs(svc, clock) -> Callable[..., dict[str, Any]]:
    """Invoke the `delivery_logs` function (its middleware too) as a subscription filter on one of
    SNS's delivery-status log groups would: the messages gzipped and base64'd in `awslogs.data`."""
    import app

    def invoke(messages: list[str], group: str = "sns/ap-southeast-1/123456789012/DirectPublishToPhoneNumber") -> dict:
        event = cloudwatch_logs_event(group, messages, clock())
        return app.app.handler_map["delivery_logs"](event, LocalContext("delivery_logs"))

    return invoke
