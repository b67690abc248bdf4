"""Bad input of any kind is a clear 4xx in the contract's shape, never a 5xx: deep nesting, bodies
over 64 KiB, a method or media type a route does not take, a malformed SNS envelope."""

from __future__ import annotations

import json

import pytest

POST_ROUTES = ["/v1/otp", "/v1/token", "/v1/hi-cards/check", "/sms/inbound"]
LIMIT = 64 * 1024


def _contract_error(answer, status: int, code: str) -> None:
    assert answer.status == status, answer
    error = answer.body["error"]
    assert answer.body == {"error": {"code": code, "message": error["message"], "messages": error["messages"]}}
    assert error["messages"]["vi"] and error["messages"]["en"]
    assert answer.body["error"]["message"]


@pytest.mark.parametrize("path", POST_ROUTES)
def test_deeply_nested_json_is_a_400_on_every_post_route(api, path) -> None:
    for body in ("[" * 5000 + "]" * 5000, '{"ss_code": ' + "[" * 2000 + "]" * 2000 + "}", "{" * 3000):
        _contract_error(api.post(path, None, raw=body.encode()), 400, "bad_input")


@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_body_over_64_kib_is_a_413(api, path) -> None:
    padded = json.dumps({"ss_code": "0110129425", "pad": "x" * LIMIT}).encode()
    _contract_error(api.post(path, None, raw=padded), 413, "payload_too_large")


def test_a_body_of_64_kib_is_still_read(api) -> None:
    body = json.dumps({"ss_code": "01101294", "pad": ""})
    body = body.replace('""', '"' + "x" * (LIMIT - len(body)) + '"')
    assert len(body) == LIMIT
    _contract_error(api.post("/v1/otp", None, raw=body.encode()), 400, "bad_input")  # the short code, not the size


def test_a_method_a_route_does_not_take_is_a_405_in_the_contract_s_shape(api) -> None:
    answer = api.get("/v1/otp")
    _contract_error(answer, 405, "method_not_allowed")
    assert answer.headers["allow"] == "POST"


def test_a_media_type_a_route_does_not_take_is_a_415_in_the_contract_s_shape(api) -> None:
    response = api.client.http.post(
        "/v1/otp", headers={"Content-Type": "application/xml"}, body=b"<ss_code>0110129425</ss_code>"
    )
    answer = api._answer(response)
    _contract_error(answer, 415, "unsupported_media_type")


@pytest.mark.parametrize("port", [":443abc", ":99999", ":-1", ":"])
def test_an_sns_envelope_with_a_malformed_certificate_port_is_a_403(api, port, monkeypatch) -> None:
    topic = "arn:aws:sns:ap-southeast-1:123456789012:bhxh-local-inbound-sms"
    monkeypatch.setenv("INBOUND_TOPIC_ARN", topic)
    envelope = {
        "Type": "Notification",
        "MessageId": "m-1",
        "TopicArn": topic,
        "Message": "{}",
        "Timestamp": "2026-11-25T03:00:00.000Z",
        "SignatureVersion": "1",
        "Signature": "AAAA",
        "SigningCertURL": f"https://sns.ap-southeast-1.amazonaws.com{port}/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
    }
    _contract_error(api.post("/sms/inbound", envelope), 403, "forbidden")
