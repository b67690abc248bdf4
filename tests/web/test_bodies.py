"""Every POST route of the app (the lookup API, the SNS endpoint, the console) reads its body through
the one reader: deep or odd JSON is a 400 in the contract's shape, signed in or not, never a 5xx."""

from __future__ import annotations

import json

import pytest

from chalicelib.api.tokens import issue_token
from chalicelib.web.bodies import json_body
from chalicelib.web.errors import ApiError
from tests.api.conftest import ANNA

HOSTILE = [
    b"[" * 5000 + b"]" * 5000,
    b'{"kind": ' + b"[" * 2000 + b"]" * 2000 + b"}",
    b"{" * 3000,
    b'{"a":' * 40 + b"1" + b"}" * 40,  # valid JSON, 40 deep
    b'{"outcome": "\\ud800", "kind": "people", "name": "\\udfff"}',  # lone surrogates
    b'{"outcome": NaN, "kind": Infinity}',
    b'{"outcome": ' + b"9" * 5000 + b"}",
    b"\xff\xfe{\x00}\x00\xff",
    b'{"outcome": "\xc3\x28"}',  # not UTF-8
    b'"a string"',
    b"[]",
    b"null",
    b"",
]

# The routes that read a body, and who may call them (None: anyone; "person": a lookup token).
BODY_ROUTES = {
    "/v1/otp": None,
    "/v1/token": None,
    "/v1/hi-cards/check": None,
    "/sms/inbound": None,
    "/v1/me/flags": "person",
    "/v1/agency/uploads": "uploader.na",
    "/v1/agency/cases/{case_id}/close": "support.na",
}


def _post_routes(functions) -> list[str]:
    return sorted(path for path, methods in functions.http_app().routes.items() if "POST" in methods)


def _concrete(path: str) -> str:
    return (
        path.replace("{kind}", "people")
        .replace("{name}", "a")
        .replace("{case_id}", "c-1")
        .replace("{notice_id}", "n-1")
    )


def _in_contract_shape(answer) -> None:
    assert set(answer.body) == {"error"} and set(answer.body["error"]) == {"code", "message", "messages"}, answer


@pytest.fixture
def tokens(console, id_token, jwt_key) -> dict[str | None, str | None]:
    person = issue_token(ANNA, key=console.jwt_key(), now=console.clock(), issuer=f"bhxh-{console.settings.stage}")
    return {None: None, "person": person, "uploader.na": id_token("uploader.na"), "support.na": id_token("support.na")}


def test_deep_or_odd_json_is_a_400_on_every_route_that_reads_a_body(api, functions, tokens, access_tokens) -> None:
    assert set(BODY_ROUTES) <= set(_post_routes(functions))
    for path, caller in BODY_ROUTES.items():
        for raw in HOSTILE:
            token = tokens[caller]
            answer = api.post(_concrete(path), None, token=token, raw=raw, access=access_tokens.get(token or ""))
            assert answer.status == 400, (path, raw[:40], answer)
            assert answer.body["error"]["code"] == "bad_input" and "body" in answer.body["error"]["message"]


def test_no_post_route_answers_hostile_json_with_a_5xx_whoever_calls(api, functions, tokens, access_tokens) -> None:
    routes = _post_routes(functions)
    assert len(routes) >= len(BODY_ROUTES) + 5  # the console's file and notice actions are among them
    for path in routes:
        for caller in ("uploader.na", "support.na", "person"):
            for raw in HOSTILE[:6]:
                token = tokens[caller]
                answer = api.post(_concrete(path), None, token=token, raw=raw, access=access_tokens.get(token or ""))
                assert answer.status < 500, (path, caller, raw[:40], answer)
                if answer.status >= 400:
                    _in_contract_shape(answer)


def test_the_reader_answers_413_and_415_in_the_contract_s_shape() -> None:
    with pytest.raises(ApiError) as too_big:
        json_body(json.dumps({"pad": "x" * 70_000}).encode(), "application/json")
    with pytest.raises(ApiError) as other_media:
        json_body(b"{}", "application/xml")
    assert (too_big.value.status, too_big.value.code) == (413, "payload_too_large")
    assert (other_media.value.status, other_media.value.code) == (415, "unsupported_media_type")
    assert json_body(b'{"a": [1, {"b": "c"}]}', "application/json; charset=utf-8") == {"a": [1, {"b": "c"}]}
