"""schemathesis against `/openapi.json` on the running local API: for every operation, generated
requests (signed in, so the personal routes answer too) give no 5xx and answers matching the schema.
`POST /sms/inbound` is left to its own tests: without a valid SNS signature it only ever refuses."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import wait_for
from tests.e2e.lookup_data import ANNA, ANNA_PHONE, seed

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def token(local_stack) -> str:
    """Anna signed in through the API with the code from the SMS: the fuzzed personal routes answer 200."""
    seed(local_stack)
    request_id = _post(f"{local_stack.api}/v1/otp", {"ss_code": ANNA})["request_id"]
    sms = wait_for(
        lambda: [m for m in local_stack.sms() if m["phone_number"] == ANNA_PHONE and "Ma xac thuc" in m["message"]],
        "the OTP SMS",
    )
    code = re.search(r"\b(\d{6})\b", sms[-1]["message"]).group(1)
    return _post(f"{local_stack.api}/v1/token", {"request_id": request_id, "otp": code})["token"]


def test_the_api_answers_every_generated_request_within_its_schema(local_stack, token) -> None:
    """Driven through schemathesis's Python API (its pytest fixture loader does not run on pytest 9)."""
    schema = schemathesis.openapi.from_url(f"{local_stack.api}/openapi.json").exclude(path="/sms/inbound")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/otp", "/v1/token", "/v1/me/contributions", "/v1/dossiers", "/"}
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def fuzz(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
