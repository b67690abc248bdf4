"""A staff session ends within 5 minutes of a sign-out or of the user being disabled (CONTRACT,
"Sign-in"): each request carries the sign-in's access token beside its ID token, and Cognito is asked
(GetUser) whether it still stands, the answer kept at most a minute. Every sign-in is audited by the
API itself, once, on the first request it sees of it, whichever route."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.agency import audit
from chalicelib.aws.cognito import SESSION_CHECK_TTL_S, StaffSessions
from local.stack.staff import PASSWORD
from tests.conftest import REGION


@pytest.fixture
def cognito():
    return boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def minute(functions, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The API's session checks on a clock the test moves (seconds)."""
    now = [0.0]
    api_services = functions.services("api_handler")
    sessions = StaffSessions(api_services.clients.cognito, monotonic=lambda: now[0])
    monkeypatch.setattr(api_services, "staff_sessions", sessions)
    return now


def test_the_check_is_kept_at_most_a_minute_well_within_the_contracts_five() -> None:
    assert SESSION_CHECK_TTL_S <= 60


def test_signing_out_ends_the_session_within_the_check_interval(api, id_token, access_tokens, cognito, minute) -> None:
    token = id_token("uploader.na")
    assert api.get("/v1/agency/files", token=token).status == 200
    cognito.global_sign_out(AccessToken=access_tokens[token])
    minute[0] = SESSION_CHECK_TTL_S - 1
    assert api.get("/v1/agency/files", token=token).status == 200  # the answer Cognito gave a moment ago
    minute[0] = SESSION_CHECK_TTL_S
    refused = api.get("/v1/agency/files", token=token)
    assert refused.status == 401
    assert refused.body["error"]["message"] == "the session has ended: sign in again"


def test_disabling_a_user_ends_their_session_within_the_check_interval(api, id_token, pool, cognito, minute) -> None:
    token = id_token("viewer.na")
    assert api.get("/v1/agency/files", token=token).status == 200
    cognito.admin_disable_user(UserPoolId=pool.pool_id, Username="viewer.na")
    minute[0] = SESSION_CHECK_TTL_S
    assert api.get("/v1/agency/files", token=token).status == 401


def test_a_refused_session_is_remembered_and_a_failing_cognito_refuses_only_that_once() -> None:
    from botocore.exceptions import ClientError

    calls: list[str] = []
    answers = iter(["NotAuthorizedException", "TooManyRequestsException", None])

    class Cognito:
        def get_user(self, AccessToken: str) -> dict:
            calls.append(AccessToken)
            code = next(answers)
            if code:
                raise ClientError({"Error": {"Code": code, "Message": "no"}}, "GetUser")
            return {}

    sessions = StaffSessions(Cognito(), monotonic=lambda: 0.0)
    assert not sessions.alive("revoked") and not sessions.alive("revoked")
    assert calls == ["revoked"]  # the refusal kept: asked once
    assert not sessions.alive("busy")  # throttled: refused now, not remembered
    assert sessions.alive("busy") and sessions.alive("busy")
    assert calls == ["revoked", "busy", "busy"]


def test_an_id_token_alone_is_not_enough(api, id_token, access_tokens) -> None:
    token = id_token("uploader.na")
    access = access_tokens.pop(token)
    assert api.get("/v1/agency/files", token=token).status == 401
    assert api.get("/v1/agency/files", token=token, headers={"X-Access-Token": "Bearer " + access}).status == 200


def test_an_access_token_of_another_user_or_another_sign_in_is_refused(api, id_token, access_tokens) -> None:
    uploader = id_token("uploader.na")
    viewer = id_token("viewer.na")
    again = id_token("uploader.na")  # the same user, another sign-in: another origin_jti
    for id_part, access_of in ((uploader, viewer), (uploader, again)):
        answer = api.get("/v1/agency/files", token=id_part, headers={"X-Access-Token": access_tokens[access_of]})
        assert answer.status == 401
        assert "not of this sign-in" in answer.body["error"]["message"]


def test_an_id_token_in_place_of_the_access_token_is_refused(api, id_token) -> None:
    token = id_token("uploader.na")
    assert api.get("/v1/agency/files", token=token, headers={"X-Access-Token": token}).status == 401


def test_the_first_request_of_a_sign_in_audits_it_whichever_route(api, id_token, console) -> None:
    token = id_token("viewer.na")
    for _ in range(3):
        assert api.get("/v1/agency/files", token=token).status == 200
    assert api.get("/v1/agency/figures", token=token).status == 200
    [entry] = [e for e in console.tables.audit.scan()]
    assert (entry.staff, entry.action, entry.outcome, entry.user_agent) == (
        "viewer.na",
        "sign_in",
        "ok",
        "pytest-browser",
    )
    assert "auth_time" in entry.details.as_dict()
    id_token("viewer.na")
    assert api.get("/v1/agency/files", token=id_token("viewer.na")).status == 200
    assert [e.action for e in console.tables.audit.scan()] == ["sign_in", "sign_in"]


def test_a_sign_in_is_audited_once_however_many_api_processes_see_it(api, id_token, console) -> None:
    token = id_token("support.na")
    assert api.get("/v1/agency/files", token=token).status == 200
    audit._recorded.clear()  # another Lambda instance: it has not seen this sign-in
    assert api.get("/v1/agency/files", token=token).status == 200
    assert [e.action for e in console.tables.audit.scan()] == ["sign_in"]


def test_a_refreshed_token_is_the_same_sign_in(api, pool, access_tokens, cognito, console) -> None:
    first = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uploader.na", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    refreshed = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    for tokens in (first, refreshed):
        access_tokens[tokens["IdToken"]] = tokens["AccessToken"]
        audit._recorded.clear()
        assert api.get("/v1/agency/files", token=tokens["IdToken"]).status == 200
    assert [e.action for e in console.tables.audit.scan()] == ["sign_in"]


def test_signing_out_on_the_page_is_audited(api, id_token, console) -> None:
    token = id_token("uploader.na")
    answer = api.post("/v1/agency/session/end", token=token)
    assert answer.status == 200
    assert sorted(e.action for e in console.tables.audit.scan()) == ["sign_in", "sign_out"]
