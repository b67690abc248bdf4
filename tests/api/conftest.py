"""Fixtures for the lookup API: the signing key in moto's SSM, a Chalice test client over the real
app, three people written through tests/factories.py, and a sign-in helper that derives the code as
the outbox (or, where a test says so, from the SMS sent)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters
from chalice.test import Client

from chalicelib.services import Services
from tests.answers import Answer, answer_of
from tests.factories import Factory

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
    yield svc.settings.jwt_key_parameter
    _forget_parameters()


class Api:
    """The real Chalice app through chalice.test.Client: JSON in, an Answer out."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def _answer(self, response: Any) -> Answer:
        return answer_of(response)

    def get(self, path: str, token: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self._answer(self.client.http.get(path, headers=headers))

    def post(
        self, path: str, body: Any, token: str | None = None, raw: bytes | None = None, access: str | None = None
    ) -> Answer:
        """`access`: a staff token's access token (the console sends it beside the ID token)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if access:
            headers["X-Access-Token"] = access
        payload = raw if raw is not None else json.dumps(body).encode()
        return self._answer(self.client.http.post(path, headers=headers, body=payload))


@pytest.fixture
def api(svc: Services, jwt_key: str, functions) -> Iterator[Api]:
    """The real app as API Gateway's one function serves it, under that function's own role."""
    with Client(functions.http_app()) as client:
        yield Api(client)


@pytest.fixture
def people(make: Factory) -> None:
    """Three people: Anna (phone, 2025 with two owed months, card, plan), Binh (phone), Chi (no phone)."""
    make.person(ANNA, name="Nguyễn Thị Ánh", born="1990-04-12", phone="+84912345678")
    make.person(BINH, name="Trần Văn Bình", born="1985-01-30", phone="+84983456789", unit="YN0123A")
    make.person(CHI, name="Lê Minh Chí", born="1979-09-09", phone=None)
    for m in range(1, 13):
        make.month(f"2025-{m:02d}", ss=ANNA, status="owed" if m in (11, 12) else "paid")
    make.month("2025-01", ss=BINH, unit="YN0123A", salary=20_000_000)
    make.ledger(
        f"hi_card#HC401{ANNA}",
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
    make.ledger(
        f"voluntary#{ANNA}",
        {"ss_code": ANNA, "months_per_payment": 3, "paid_to": "2027-03", "income_vnd": 5_000_000},
        due_on="2027-03-01",
    )
    make.ledger(
        "dossier#03706/2026/07906",
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
    """The code of a request, as the sender renders it into the SMS (stored nowhere: domain/otp.py)."""
    from chalicelib.domain.otp import otp_code as derive

    return lambda request_id: derive(svc.otp_key(), request_id)


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
