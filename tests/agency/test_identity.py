"""Only an ID token of the staff pool's console client, signed by the pool, unexpired, naming a role
and a province, opens the console; anything else is a 401 (or a 403 without role or province)."""

from __future__ import annotations

import time

import pytest

from chalicelib.aws.cognito import StaffKeys
from tests.agency.conftest import moto_jwks


def test_a_demo_staff_member_signs_in_and_the_sign_in_is_audited(api, id_token, console) -> None:
    answer = api.post("/v1/agency/session", token=id_token("uploader.na"))
    assert answer.status == 200, answer.body
    assert answer.body == {"username": "uploader.na", "roles": ["uploader"], "province_code": "40"}
    [entry] = list(console.tables.audit.scan())
    assert (entry.staff, entry.action, entry.outcome, entry.province_code) == ("uploader.na", "sign_in", "ok", "40")
    assert entry.user_agent == "pytest-browser"


def test_the_wrong_password_gets_no_token(id_token) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="NotAuthorized"):
        id_token("uploader.na", "Bhxh-local-2025!")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXBsb2FkZXIubmE6cGFzcw==",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Bearer " + "A" * 20000,
        "Bearer eyJhbGciOiJub25lIn0.eyJjb2duaXRvOnVzZXJuYW1lIjoidXBsb2FkZXIubmEifQ.",
    ],
)
def test_no_token_or_garbage_is_401_in_the_contract_shape(api, authorization) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    answer = api.get("/v1/agency/files", headers=headers)
    assert answer.status == 401
    assert answer.body["error"]["code"] == "unauthorized"
    assert set(answer.body) == {"error"} and set(answer.body["error"]) == {"code", "message", "messages"}


@pytest.mark.parametrize(
    ("why", "forged"),
    [
        ("signed by another key", {"key": "other"}),
        ("an unknown key id", {"kid": "rotated-away"}),
        ("expired an hour ago", {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}),
        ("another pool", {"iss": "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_other"}),
        ("another app client", {"aud": "someoneelsesclient"}),
        ("an access token", {"token_use": "access"}),
        ("no expiry", {"exp": None}),
        ("HS256 with the public key", {"alg": "HS256"}),
    ],
)
def test_forged_tokens_are_401(api, forge, why, forged) -> None:
    alg = forged.pop("alg", "RS256")
    token = _hmac_with_public_key(forge()) if alg == "HS256" else forge(**forged)
    answer = api.get("/v1/agency/files", token=token)
    assert answer.status == 401, why


def _hmac_with_public_key(valid: str) -> str:
    """The classic confusion: the valid token's claims, `alg: HS256`, MACed with the public key."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "kid": "dummy", "typ": "JWT"}).encode())
    payload = valid.split(".")[1]
    signature = hmac.new(moto_jwks(""), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def test_the_same_claims_signed_by_the_pool_pass(api, forge) -> None:
    assert api.get("/v1/agency/files", token=forge()).status == 200


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"cognito:groups": None}, "no console role"),
        ({"cognito:groups": ["admins"]}, "no console role"),
        ({"custom:province_code": None}, "no province"),
        ({"custom:province_code": "4O"}, "no province"),
    ],
)
def test_a_valid_token_without_role_or_province_is_403(api, forge, claims, reason) -> None:
    answer = api.get("/v1/agency/files", token=forge(**claims))
    assert answer.status == 403
    assert reason in answer.body["error"]["message"]


def test_keys_are_read_once_and_again_only_for_a_new_key_id_at_most_once_a_minute() -> None:
    reads: list[str] = []
    now = [0.0]

    def fetch(url: str) -> bytes:
        reads.append(url)
        return moto_jwks(url)

    keys = StaffKeys("https://pool/.well-known/jwks.json", fetch, monotonic=lambda: now[0])
    assert keys.key("dummy") is not None and keys.key("dummy") is not None
    assert keys.key("forged-1") is None and keys.key("forged-2") is None
    assert len(reads) == 1
    now[0] = 61
    assert keys.key("forged-3") is None
    assert len(reads) == 2


def test_an_unreachable_key_set_refuses_tokens_rather_than_failing(api, functions, id_token, monkeypatch) -> None:
    token = id_token("viewer.na")

    def down(url: str) -> bytes:
        raise OSError("no route to Cognito")

    monkeypatch.setattr(functions.services("api_handler"), "staff_keys", StaffKeys("https://pool/jwks", down))
    assert api.get("/v1/agency/files", token=token).status == 401
