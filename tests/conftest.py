"""Fixtures for the three tiers: pure domain (no fixtures needed), handlers against in-process
moto (`stack`, `svc`, `pump`), and the end-to-end tests that start the local stack (tests/e2e)."""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID, enable_iam_authentication

from chalicelib.aws.settings import Settings
from chalicelib.domain.clock import ICT
from chalicelib.services import Services, process_services, use_services
from local.moto import iam, patches
from local.pump.event_pump import EventPump, RecordedSms
from local.stack.build import LocalService, build_local
from local.stack.functions import LocalFunctions
from local.stack.resources import LocalStack, create_stack
from tests.factories import EMPLOYERS_CSV, PAYMENTS_CSV, Factory
from tests.shared_stack import SharedStack

REGION = "ap-southeast-1"
patches.apply()  # moto and botocore as the local stack runs them (one model loader: tests make many sessions)
ROOT = Path(__file__).resolve().parent.parent


class MovableClock:
    """The injected clock: tests set and advance it; nothing sleeps."""

    def __init__(self, at: datetime) -> None:
        self.now = at

    def __call__(self) -> datetime:
        return self.now

    def set(self, at: datetime) -> None:
        self.now = at if at.tzinfo else at.replace(tzinfo=ICT)

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    """10:00 in Hanoi on a working day: outside quiet hours unless a test moves it."""
    return MovableClock(datetime(2026, 11, 25, 10, 0, tzinfo=ICT))


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("BHXH_STAGE", "local")
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    monkeypatch.setenv("SMS_PER_SECOND", "100000")  # the pacer's own tests inject its clock


@pytest.fixture(scope="session")
def shared_stack() -> SharedStack:
    """The process's stack, built by the first test that asks for it (tests/shared_stack.py)."""
    return SharedStack(_operator)


@pytest.fixture
def stack(aws_env: None, shared_stack: SharedStack, request: pytest.FixtureRequest) -> Iterator[LocalStack]:
    """infra/resources.yaml created in in-process moto, as the local stack creates it, with IAM
    enforced from the first call: the test's own calls go as the operator (`testing`, every
    permission), each function's as its own role (`functions`). One per test process, put back as
    built after each test; a test marked `fresh_stack` gets one of its own."""
    if request.node.get_closest_marker("fresh_stack"):
        with mock_aws(config={"core": {"mock_credentials": False}}):  # keep `testing`: the operator's key
            iam.create_operator(DEFAULT_ACCOUNT_ID)
            with enable_iam_authentication():
                yield create_stack(_operator())
        return
    with shared_stack.use(check=os.environ.get("BHXH_CHECK_RESET") == "1") as built:
        yield built


@pytest.fixture
def pauses() -> list[float]:
    """The retries' backoff waits, recorded instead of slept."""
    return []


@pytest.fixture
def svc(stack: LocalStack, clock: MovableClock, pauses: list[float]) -> Iterator[Services]:
    settings = Settings.from_env(
        {
            **os.environ,
            "INBOUND_TOPIC_ARN": stack.outputs["InboundSmsTopicArn"],
            "URGENT_QUEUE_URL": stack.outputs["UrgentQueueUrl"],  # as the package's Globals set them
            "BULK_QUEUE_URL": stack.outputs["BulkQueueUrl"],
        }
    )
    services = Services(settings=settings, clock=clock, sleep=pauses.append)
    use_services(services)
    yield services
    use_services(None)


@pytest.fixture
def notice_id(svc: Services) -> Callable[[str], str]:
    """The outbox key of a dedupe key: its keyed hash (chalicelib/notify/retention.py)."""
    from chalicelib.notify.retention import notice_id as key_of

    return lambda dedupe_key: key_of(dedupe_key, svc.dedupe_hash_key())


@pytest.fixture
def notice(svc: Services, notice_id: Callable[[str], str]) -> Callable[[str], Any]:
    """The outbox item of a dedupe key (`payment_received#PT-0001`)."""
    return lambda dedupe_key: svc.tables.notifications.get(notice_id(dedupe_key))


@pytest.fixture
def make(svc: Services) -> Factory:
    """Test data written as ingest writes it (tests/factories.py)."""
    return Factory(svc.tables)


@pytest.fixture(scope="session")
def packaged_policies() -> dict[str, Any]:
    """Each function's policy document as `make package` puts it on the function's role."""
    from infra.package import function_policies

    return function_policies()


@pytest.fixture
def function_policies(packaged_policies: dict[str, Any]) -> dict[str, Any]:
    """The policies the functions run under in this test: the packaged ones (a test may take a
    statement out of its copy)."""
    return copy.deepcopy(packaged_policies)


@pytest.fixture
def local_service(
    svc: Services, stack: LocalStack, clock: MovableClock, function_policies: dict[str, Any]
) -> LocalService:
    """What `make run` builds on its stack (local/stack/build.py), over in-process moto."""
    import app as chalice_app

    return build_local(
        chalice_app.app,
        _operator(),
        stack,
        clock=clock,
        moto_url=None,
        prefix=svc.settings.prefix,
        policies=function_policies,
        base=process_services,  # `svc`, or what a test put in its place
    )


@pytest.fixture
def functions(local_service: LocalService) -> LocalFunctions:
    """The app's functions, each run under its own role carrying exactly its packaged policy."""
    return local_service.functions


@pytest.fixture
def pump(local_service: LocalService) -> EventPump:
    """The local stack's event pump over in-process moto, wired to the real Chalice app: each
    function under its own role."""
    return local_service.pump


_sessions: list[boto3.session.Session] = []


def _operator() -> boto3.session.Session:
    """One operator session for the process (a new session reads every service's model again)."""
    if not _sessions:
        _sessions.append(boto3.session.Session(region_name=REGION))
    return _sessions[0]


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str


@pytest.fixture
def service_log(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The service logger's lines from here on, formatted and masked as CloudWatch gets them. Its
    handler keeps the stdout of whenever it was imported, so it is pointed here instead."""
    from chalicelib.observability import logger

    stream = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", stream)
    return stream


@pytest.fixture
def json_logs(service_log: io.StringIO) -> Callable[[], list[dict]]:
    """The service's JSON log lines so far, parsed."""
    return lambda: [json.loads(line) for line in service_log.getvalue().splitlines() if line.startswith("{")]


@pytest.fixture
def sent_sms(stack: LocalStack):
    """The SMS SNS recorded, oldest first."""
    from moto.sns.models import sns_backends

    def read() -> list[Sms]:
        recorded = sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages
        return [Sms(phone, text) for phone, text in recorded.values()]

    return read


@pytest.fixture
def deliver_recorded_sms(pump: EventPump, stack: LocalStack):
    """What `make run`'s pump does for each SMS moto recorded (it reads them from data.json there):
    SNS's SUCCESS delivery-status record, through the `delivery_logs` function. Returns whether any."""
    from moto.sns.models import sns_backends

    def deliver() -> bool:
        recorded = sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages
        return pump.report_delivered([RecordedSms(mid, phone, text) for mid, (phone, text) in recorded.items()])

    return deliver


@pytest.fixture
def upload(stack: LocalStack):
    """Upload a batch file's text as the agency would: `incoming/<kind>/<name>`."""
    s3 = boto3.client("s3", region_name=REGION)

    def put(kind: str, name: str, text: str | bytes) -> str:
        key = f"incoming/{kind}/{name}"
        body = text.encode("utf-8") if isinstance(text, str) else text
        s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
        return key

    return put


@pytest.fixture
def read_report(stack: LocalStack):
    import json

    s3 = boto3.client("s3", region_name=REGION)

    def read(key: str) -> dict:
        return json.loads(s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())

    return read


NO_PHONE_UNIT = "unit_code,name\nAB1234C,Công ty không số\n"
TWO_PAYMENTS = (
    "payment_id,unit_code,paid_on,amount_vnd,period\n"
    "PT-0002,AB1234C,2026-11-05,1000000,2026-10\n"
    "PT-0003,TZH490L,not-a-date,1000000,2026-10\n"
)


@pytest.fixture
def known_day(pump, upload, sent_sms) -> Callable[[], None]:
    """A known day for the agency's figures and metrics: two employers (one with no phone on file)
    and two payment files (one row of them bad), ingested and told: one SMS sent, one unreachable."""

    def run() -> None:
        upload("employers", "units.csv", EMPLOYERS_CSV)
        upload("employers", "more.csv", NO_PHONE_UNIT)
        upload("payments", "a.csv", PAYMENTS_CSV)
        upload("payments", "b.csv", TWO_PAYMENTS)
        pump.run_until_idle()
        assert len(sent_sms()) == 1

    return run
