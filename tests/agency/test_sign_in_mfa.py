"""Staff sign in with a second factor (CONTRACT, "Sign-in"): with the pool's MFA `ON` as in a real
account, a new staff member sets up an authenticator at the first sign-in (MFA_SETUP:
AssociateSoftwareToken, VerifySoftwareToken) and is asked its code every time after
(SOFTWARE_TOKEN_MFA), exactly the calls the console page makes; moto checks the TOTP codes."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pyotp
import pytest
from botocore.exceptions import ClientError

from local.stack.staff import PASSWORD
from tests.conftest import REGION

TEMPORARY = "Tam-thoi-2026!x"


@pytest.fixture
def cognito() -> Any:
    return boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def mfa_pool(pool, cognito, monkeypatch: pytest.MonkeyPatch):
    """The stack's staff pool with TOTP MFA required, and a new uploader with a temporary password."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")  # moto checks the codes
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool.pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    cognito.admin_create_user(
        UserPoolId=pool.pool_id,
        Username="uploader.mfa",
        TemporaryPassword=TEMPORARY,
        UserAttributes=[{"Name": "custom:province_code", "Value": "40"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_add_user_to_group(UserPoolId=pool.pool_id, Username="uploader.mfa", GroupName="uploader")
    return pool


class Authenticator(pyotp.TOTP):
    """A staff member's authenticator app. moto hands every user one fixed 60-bit secret; pyotp
    refuses secrets under 112 bits (Cognito's own are longer), so the floor is lifted for moto's."""

    min_secret_length_bits = 0


def _code(secret: str, offset_s: int = 0) -> str:
    """The code the app shows now (moto checks it against the real time), or `offset_s` away."""
    return Authenticator(secret).at(time.time() + offset_s)


def _enrol(cognito, pool) -> tuple[str, dict[str, str]]:
    """The first sign-in as the page makes it: new password, then TOTP set up. The secret and tokens."""
    first = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uploader.mfa", "PASSWORD": TEMPORARY},
    )
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    setup = cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": "uploader.mfa", "NEW_PASSWORD": PASSWORD},
    )
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert "SOFTWARE_TOKEN_MFA" in setup["ChallengeParameters"]["MFAS_CAN_SETUP"]
    associated = cognito.associate_software_token(Session=setup["Session"])
    secret = associated["SecretCode"]
    with pytest.raises(ClientError, match="CodeMismatch"):
        cognito.verify_software_token(Session=associated["Session"], UserCode=_code(secret, 600))
    verified = cognito.verify_software_token(
        Session=associated["Session"], UserCode=_code(secret), FriendlyDeviceName="console"
    )
    assert verified["Status"] == "SUCCESS"
    done = cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "uploader.mfa"},
    )
    return secret, done["AuthenticationResult"]


def _signed_in(api, access_tokens: dict[str, str], tokens: dict[str, str]):
    access_tokens[tokens["IdToken"]] = tokens["AccessToken"]
    return api.post("/v1/agency/session", token=tokens["IdToken"])


def test_a_new_staff_member_sets_up_an_authenticator_at_the_first_sign_in(
    api, mfa_pool, cognito, access_tokens, console
) -> None:
    _, tokens = _enrol(cognito, mfa_pool)
    answer = _signed_in(api, access_tokens, tokens)
    assert answer.status == 200, answer.body
    assert answer.body["username"] == "uploader.mfa"
    assert [e.action for e in console.tables.audit.scan()] == ["sign_in"]


def test_after_enrolment_the_password_alone_gets_no_token_only_the_authenticators_code_does(
    api, mfa_pool, cognito, access_tokens
) -> None:
    secret, _ = _enrol(cognito, mfa_pool)
    challenged = cognito.initiate_auth(
        ClientId=mfa_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uploader.mfa", "PASSWORD": PASSWORD},
    )
    assert challenged["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenged

    def respond(code: str) -> dict[str, Any]:
        return cognito.respond_to_auth_challenge(
            ClientId=mfa_pool.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenged["Session"],
            ChallengeResponses={"USERNAME": "uploader.mfa", "SOFTWARE_TOKEN_MFA_CODE": code},
        )

    with pytest.raises(ClientError, match="CodeMismatch"):
        respond(_code(secret, -600))
    tokens = respond(_code(secret))["AuthenticationResult"]
    assert _signed_in(api, access_tokens, tokens).status == 200


def test_the_local_pool_asks_the_demo_users_no_second_factor_unless_told(pool, cognito) -> None:
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool.pool_id)["MfaConfiguration"] == "OPTIONAL"
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool.pool_id)["SoftwareTokenMfaConfiguration"] == {
        "Enabled": True
    }


def test_with_mfa_required_locally_the_demo_staff_choose_a_password_then_set_up_totp(stack, cognito) -> None:
    from local.stack.staff import DEMO_STAFF, create_demo_staff, create_staff_pool, staff_lines

    session = boto3.session.Session()
    required = create_staff_pool(session, "local", mfa="ON")
    create_demo_staff(session, required, DEMO_STAFF[:1])
    first = cognito.initiate_auth(
        ClientId=required.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uploader.na", "PASSWORD": PASSWORD},
    )
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    setup = cognito.respond_to_auth_challenge(
        ClientId=required.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": "uploader.na", "NEW_PASSWORD": "Moi-matkhau-2026!"},
    )
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert staff_lines()[-1].startswith("[console] second factor (TOTP): optional")
