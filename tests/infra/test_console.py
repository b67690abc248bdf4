"""The packaged template's console: every `/v1/agency/` route behind the staff pool's Cognito
authorizer, a pool nobody signs up to or moves province in, an audit table nobody may rewrite."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.package import load, package


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load(package("prod"))


def test_every_console_route_is_behind_the_staff_pool_authorizer(template) -> None:
    import app

    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    authorizer = body["securityDefinitions"]["StaffPool"]["x-amazon-apigateway-authorizer"]
    assert authorizer == {"type": "cognito_user_pools", "providerARNs": [{"Fn::GetAtt": ["StaffUserPool", "Arn"]}]}
    console = {(p, m.lower()) for p, methods in app.app.routes.items() if p.startswith("/v1/agency/") for m in methods}
    assert len(console) >= 10
    for path, method in console:
        assert body["paths"][path][method]["security"] == [{"StaffPool": []}], (path, method)
    assert "security" not in body["paths"]["/v1/otp"]["post"]  # the lookup API keeps its own tokens


def test_staff_cannot_sign_up_nor_change_their_province(template) -> None:
    resources = template["Resources"]
    pool = resources["StaffUserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    [province] = [a for a in pool["Schema"] if a["Name"] == "province_code"]
    assert province["Mutable"] is False
    client = resources["StaffConsoleClient"]["Properties"]
    assert client["GenerateSecret"] is False and "custom:province_code" not in client["WriteAttributes"]
    groups = {r["Properties"]["GroupName"] for r in resources.values() if r["Type"] == "AWS::Cognito::UserPoolGroup"}
    assert groups == {"uploader", "support", "viewer"}
    every = template["Globals"]["Function"]["Environment"]["Variables"]  # SAM gives them to every function
    env = {**every, **resources["APIHandler"]["Properties"]["Environment"]["Variables"]}
    assert env["STAFF_POOL_ID"] == {"Ref": "StaffUserPool"} and env["STAFF_CLIENT_ID"] == {"Ref": "StaffConsoleClient"}


def test_every_staff_member_signs_in_with_a_totp_second_factor_in_a_real_account(template) -> None:
    pool = template["Resources"]["StaffUserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # an authenticator app; no SMS factor


def test_no_function_may_rewrite_or_delete_the_audit_trail(template) -> None:
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                if "AuditTable" not in json.dumps(statement.get("Resource")) or statement["Effect"] == "Deny":
                    continue
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert set(actions) <= {"dynamodb:PutItem", "dynamodb:Query"}, name


def test_the_bucket_takes_browser_posts_only_from_the_console_origin(template) -> None:
    [rule] = template["Resources"]["IngestBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert "RestAPI" in json.dumps(rule["AllowedOrigins"])
