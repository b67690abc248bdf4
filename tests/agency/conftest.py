"""Fixtures for the console: the stack's staff pool with the four demo staff, their ID tokens from
moto's Cognito (USER_PASSWORD_AUTH), tokens forged every other way, and the real app's routes."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import jwt
import pytest
from chalice.test import Client
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from chalicelib.services import Services, use_services
from local.stack.staff import PASSWORD, create_demo_staff
from local.stack.staff import StaffPool as LocalPool
from tests.answers import Answer, answer_of
from tests.conftest import REGION


def moto_jwks(url: str) -> bytes:
    """What moto serves at `/<pool id>/.well-known/jwks.json`: its one public key."""
    return json.dumps(load_resource("cognitoidp/resources/jwks-public.json")).encode()


@pytest.fixture
def pool(stack) -> LocalPool:
    made = LocalPool(stack.outputs["StaffUserPoolId"], stack.outputs["StaffConsoleClientId"])
    create_demo_staff(boto3.session.Session(), made)
    return made


@pytest.fixture
def console(svc: Services, pool: LocalPool) -> Iterator[Services]:
    """The process's services with the stack's staff pool, its keys read as moto serves them."""
    settings = dataclasses.replace(svc.settings, staff_pool_id=pool.pool_id, staff_client_id=pool.client_id)
    services = dataclasses.replace(svc, settings=settings, jwks_fetch=moto_jwks)
    use_services(services)
    yield services
    use_services(None)


@pytest.fixture
def access_tokens() -> dict[str, str]:
    """Each ID token's access token (the same sign-in's): the console API sends both, as the page does."""
    return {}


@pytest.fixture
def id_token(pool: LocalPool, access_tokens: dict[str, str]):
    """A staff member's ID token, signed in as the page does locally (USER_PASSWORD_AUTH); its
    access token is kept in `access_tokens` for `api` to send beside it."""
    cognito = boto3.client("cognito-idp", region_name=REGION)

    def sign_in(username: str, password: str = PASSWORD) -> str:
        answer = cognito.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        tokens = answer["AuthenticationResult"]
        access_tokens[tokens["IdToken"]] = tokens["AccessToken"]
        return tokens["IdToken"]

    return sign_in


@pytest.fixture
def forge(pool: LocalPool, id_token, access_tokens: dict[str, str]):
    """A token with the given claims over a valid uploader.na's, signed with moto's own key (so only
    the claims are wrong) or, with `key="other"`, with a key that is not the pool's; sent with the
    real sign-in's access token, so that only the ID token is forged."""
    private = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json")).key
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real = id_token("uploader.na")
    signed_in = jwt.decode(real, options={"verify_signature": False})

    def make(key: str = "moto", kid: str = "dummy", alg: str = "RS256", **changes: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{pool.pool_id}",
            "sub": signed_in["sub"],
            "origin_jti": signed_in["origin_jti"],
            "aud": pool.client_id,
            "token_use": "id",
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
            "cognito:username": "uploader.na",
            "custom:province_code": "40",
            "cognito:groups": ["uploader"],
        }
        claims.update(changes)
        claims = {k: v for k, v in claims.items() if v is not None}
        signing = private if key == "moto" else other
        forged = jwt.encode(claims, signing, algorithm=alg, headers={"kid": kid})
        access_tokens[forged] = access_tokens[real]
        return forged

    return make


class ConsoleApi:
    """The real Chalice app through chalice.test.Client, as a staff member's browser calls it."""

    def __init__(self, client: Client, access_tokens: dict[str, str]) -> None:
        self.client = client
        self.access_tokens = access_tokens

    def _answer(self, response: Any) -> Answer:
        return answer_of(response)

    def _headers(self, token: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if token in self.access_tokens:
            headers["X-Access-Token"] = self.access_tokens[token]
        return {**headers, "User-Agent": "pytest-browser", **(extra or {})}

    def get(self, path: str, token: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        return self._answer(self.client.http.get(path, headers=self._headers(token, headers)))

    def post(self, path: str, body: Any = None, token: str | None = None, raw: bytes | None = None) -> Answer:
        headers = {**self._headers(token), "Content-Type": "application/json"}
        payload = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
        return self._answer(self.client.http.post(path, headers=headers, body=payload))


@pytest.fixture
def api(console: Services, functions, access_tokens: dict[str, str]) -> Iterator[ConsoleApi]:
    """The console's API as the `api_handler` function serves it, under its own packaged policy."""
    with Client(functions.http_app()) as client:
        yield ConsoleApi(client, access_tokens)
