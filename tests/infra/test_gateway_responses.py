"""API Gateway's own refusals, which no function sees, answer in the contract's error shape too."""

from __future__ import annotations

import json
from typing import Any

import pytest

CONTRACT_STATUS = {"MISSING_AUTHENTICATION_TOKEN": "404", "REQUEST_TOO_LARGE": "413", "UNSUPPORTED_MEDIA_TYPE": "415"}


def _responses(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::GatewayResponse"
    }


def test_every_default_and_named_gateway_refusal_is_shaped(template) -> None:
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED", "QUOTA_EXCEEDED", *CONTRACT_STATUS} <= set(_responses(template))


@pytest.mark.parametrize("kind", ["DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED", "QUOTA_EXCEEDED", *CONTRACT_STATUS])
def test_a_gateway_refusal_is_the_contract_s_error_object(template, kind: str) -> None:
    response = _responses(template)[kind]
    assert response["RestApiId"] == {"Ref": "RestAPI"}
    body = response["ResponseTemplates"]["application/json"].replace("$context.error.messageString", '"m"')
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message"} and error["code"].islower()
    if kind in CONTRACT_STATUS:
        assert response["StatusCode"] == CONTRACT_STATUS[kind]


def test_throttling_says_when_to_try_again(template) -> None:
    for kind in ("THROTTLED", "QUOTA_EXCEEDED"):
        response = _responses(template)[kind]
        assert response["StatusCode"] == "429"
        assert int(response["ResponseParameters"]["gatewayresponse.header.Retry-After"].strip("'")) > 0
