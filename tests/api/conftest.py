"""Fixtures for the lookup API: the signing key in moto's SSM, a Chalice test client over the real
app, factories that write people, history and ledger items in the shapes COMMON.md fixes, and a
sign-in helper that reads the code from the outbox (or, where a test says so, from the SMS sent)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from chalice.test import Client

from chalicelib.local.secrets import create_jwt_key
from chalicelib.services import Services

ANNA = "0110129425"  # registered phone, history, card, plan
BINH = "0220234567"  # registered phone, history of his own
CHI = "0330345678"  # on file, no phone


def _forget_parameters() -> None:
    parameters.clear_caches()
    parameters.base.DEFAULT_PROVIDERS.pop("ssm", None)


@pytest.fixture
def jwt_key(svc: Services) -> Iterator[str]:
    """The signing key parameter, as the local stack creates it; returns its name."""
    _forget_parameters()
    name = create_jwt_key(boto3.session.Session(), svc.settings)
    yield name
    _forget_parameters()


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """The real Chalice app through chalice.test.Client: JSON in, an Answer out."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def _answer(self, response: Any) -> Answer:
        try:
            body = json.loads(response.body) if response.body else None
        except ValueError:
            body = response.body
        return Answer(response.status_code, body, {k.lower(): v for k, v in response.headers.items()})

    def get(self, path: str, token: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self._answer(self.client.http.get(path, headers=headers))

    def post(self, path: str, body: Any, token: str | None = None, raw: bytes | None = None) -> Answer:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else json.dumps(body).encode()
        return self._answer(self.client.http.post(path, headers=headers, body=payload))


@pytest.fixture
def api(svc: Services, jwt_key: str) -> Iterator[Api]:
    import app as chalice_app

    with Client(chalice_app.app) as client:
        yield Api(client)


@pytest.fixture
def person(svc: Services):
    def make(ss_code: str, full_name: str, date_of_birth: str, phone: str | None = None, unit_code: str = "TZH490L"):
        svc.tables.people(
            ss_code,
            full_name=full_name,
            date_of_birth=date_of_birth,
            phone=phone,
            unit_code=unit_code,
            province_code="40",
            id_hash="h" * 16,
        ).save()

    return make


@pytest.fixture
def month(svc: Services):
    def make(ss_code: str, period: str, status: str = "paid", unit_code: str = "TZH490L", salary_vnd: int = 8_000_000):
        svc.tables.history(
            ss_code,
            f"{period}#{unit_code}",
            period=period,
            unit_code=unit_code,
            salary_vnd=salary_vnd,
            si_vnd=salary_vnd * 255 // 1000,
            hi_vnd=salary_vnd * 45 // 1000,
            ui_vnd=salary_vnd * 2 // 100,
            status=status,
        ).save()

    return make


@pytest.fixture
def ledger(svc: Services):
    """A ledger item `<kind>#<id>` with its facts, `ss_code` copied for the by_person index."""

    def make(kind: str, business_id: str, facts: dict[str, Any], due_on: str | None = None) -> None:
        svc.tables.ledger(
            f"{kind}#{business_id}", kind=kind, facts=facts, due_on=due_on, ss_code=facts.get("ss_code")
        ).save()

    return make


@pytest.fixture
def people(person, month, ledger) -> None:
    """Three people: Anna (phone, 2025 with two owed months, card, plan), Binh (phone), Chi (no phone)."""
    person(ANNA, "Nguyễn Thị Ánh", "1990-04-12", "+84912345678")
    person(BINH, "Trần Văn Bình", "1985-01-30", "+84983456789", unit_code="YN0123A")
    person(CHI, "Lê Minh Chí", "1979-09-09", None)
    for m in range(1, 13):
        month(ANNA, f"2025-{m:02d}", "owed" if m in (11, 12) else "paid")
    month(BINH, "2025-01", "paid", unit_code="YN0123A", salary_vnd=20_000_000)
    ledger(
        "hi_card",
        f"HC401{ANNA}",
        {
            "card_no": f"HC401{ANNA}",
            "ss_code": ANNA,
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-15",
            "household": True,
            "facility": "Bệnh viện Đa khoa Nghệ An",
        },
        due_on="2026-11-15",
    )
    ledger(
        "voluntary",
        ANNA,
        {"ss_code": ANNA, "months_per_payment": 3, "paid_to": "2027-03", "income_vnd": 5_000_000},
        due_on="2027-03-01",
    )
    ledger(
        "dossier",
        "03706/2026/07906",
        {
            "dossier_no": "03706/2026/07906",
            "procedure": "cap lai so BHXH",
            "submitter_phone": "+84912345678",
            "status": "processing",
            "received_on": "2026-11-02",
            "appointment_on": "2026-11-20",
            "ss_code": ANNA,
            "note": "Nguyễn Thị Ánh nộp thay",
        },
    )


@pytest.fixture
def otp_code(svc: Services):
    """The code the outbox holds for a request (what the SMS carries)."""

    def read(request_id: str) -> str:
        return str(svc.tables.notifications.get(f"otp#{request_id}").params.as_dict()["code"])

    return read


@pytest.fixture
def sign_in(api: Api, otp_code):
    def run(ss_code: str) -> str:
        asked = api.post("/v1/otp", {"ss_code": ss_code})
        assert asked.status == 202, asked.body
        request_id = asked.body["request_id"]
        answer = api.post("/v1/token", {"request_id": request_id, "otp": otp_code(request_id)})
        assert answer.status == 200, answer.body
        return answer.body["token"]

    return run


@pytest.fixture
def dynamo_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every DynamoDB operation PynamoDB makes from here on, as (operation, table)."""
    from pynamodb.connection.base import Connection

    calls: list[tuple[str, str]] = []
    original = Connection.dispatch

    def recording(self: Connection, operation_name: str, operation_kwargs: dict) -> dict:
        calls.append((operation_name, str(operation_kwargs.get("TableName", ""))))
        return original(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "dispatch", recording)
    return calls
