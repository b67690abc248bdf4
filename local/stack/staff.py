"""The staff user pool in moto, and the four demo staff of CONTRACT ("Agency console").

moto's CloudFormation has no Cognito: the pool, its groups and the console client are made through
the API from the very properties `infra/resources.yaml` declares, and the stack says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from infra.package import load
from local.env import ROOT

PASSWORD = "Bhxh-local-2026!"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    group: str
    province_code: str
    note: str


DEMO_STAFF = (
    DemoStaff("uploader.na", "uploader", "40", "Nghệ An"),
    DemoStaff("support.na", "support", "40", "Nghệ An"),
    DemoStaff("viewer.na", "viewer", "40", "Nghệ An"),
    DemoStaff("uploader.hn", "uploader", "01", "Hà Nội"),
)


@dataclass(frozen=True)
class StaffPool:
    pool_id: str
    client_id: str


def _resources() -> dict[str, Any]:
    return load(ROOT / "infra" / "resources.yaml")["Resources"]


def _sub_stage(value: Any, stage: str) -> str:
    """`!Sub "bhxh-${Stage}-staff"` as the template loader reads it, for this stage."""
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    return str(text).replace("${Stage}", stage)


def local_mfa() -> str:
    """The local pool's MFA: `OPTIONAL` (the demo users sign in with their password alone; one who
    set up an authenticator is asked for its code), or `ON` as in a real account with
    `BHXH_STAFF_MFA=ON make run` (each user sets up TOTP at their first sign-in)."""
    value = os.environ.get("BHXH_STAFF_MFA", "OPTIONAL").upper()
    if value not in ("ON", "OPTIONAL"):
        raise ValueError(f"BHXH_STAFF_MFA: ON or OPTIONAL, not {value!r}")
    return value


def create_staff_pool(session: Any, stage: str, mfa: str | None = None) -> StaffPool:
    """The pool, its groups and the `console` client as `infra/resources.yaml` declares them; MFA
    (TOTP, `EnabledMfas`) as there too, but `mfa` (default `local_mfa()`) instead of its `ON`."""
    cognito = session.client("cognito-idp")
    resources = _resources()
    spec = resources["StaffUserPool"]["Properties"]
    schema = [
        {
            k: v
            for k, v in attribute.items()
            if k in ("Name", "AttributeDataType", "Mutable", "StringAttributeConstraints")
        }
        for attribute in spec["Schema"]
    ]
    pool = cognito.create_user_pool(
        PoolName=_sub_stage(spec["UserPoolName"], stage),
        Policies=spec["Policies"],
        Schema=schema,
        AdminCreateUserConfig=spec["AdminCreateUserConfig"],
        UsernameConfiguration=spec["UsernameConfiguration"],
    )["UserPool"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in spec["EnabledMfas"]},
        MfaConfiguration=mfa or local_mfa(),
    )
    for resource in resources.values():
        if resource["Type"] == "AWS::Cognito::UserPoolGroup":
            group = resource["Properties"]
            cognito.create_group(
                GroupName=group["GroupName"], UserPoolId=pool["Id"], Description=group.get("Description", "")
            )
    client = resources["StaffConsoleClient"]["Properties"]
    made = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client["ClientName"],
        GenerateSecret=client["GenerateSecret"],
        ExplicitAuthFlows=client["ExplicitAuthFlows"],
        PreventUserExistenceErrors=client["PreventUserExistenceErrors"],
        ReadAttributes=client["ReadAttributes"],
        WriteAttributes=client["WriteAttributes"],
    )["UserPoolClient"]
    return StaffPool(pool_id=pool["Id"], client_id=made["ClientId"])


def create_demo_staff(session: Any, pool: StaffPool, staff: tuple[DemoStaff, ...] = DEMO_STAFF) -> None:
    """The demo staff with the password `PASSWORD`. Where the pool requires MFA it is their temporary
    one, as an administrator makes staff in a real account: at the first sign-in each chooses a new
    password and sets up TOTP (moto asks MFA_SETUP only after a new password)."""
    cognito = session.client("cognito-idp")
    required = cognito.get_user_pool_mfa_config(UserPoolId=pool.pool_id)["MfaConfiguration"] == "ON"
    for member in staff:
        cognito.admin_create_user(
            UserPoolId=pool.pool_id,
            Username=member.username,
            UserAttributes=[{"Name": "custom:province_code", "Value": member.province_code}],
            MessageAction="SUPPRESS",
            **({"TemporaryPassword": PASSWORD} if required else {}),
        )
        if not required:
            cognito.admin_set_user_password(
                UserPoolId=pool.pool_id, Username=member.username, Password=PASSWORD, Permanent=True
            )
        cognito.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=member.username, GroupName=member.group)


def staff_lines(staff: tuple[DemoStaff, ...] = DEMO_STAFF) -> list[str]:
    """What `make run` prints at start: who can sign in to the console, and with what."""
    mfa = (
        "required: at the first sign-in each chooses a new password and sets up an authenticator app"
        if local_mfa() == "ON"
        else "optional (BHXH_STAFF_MFA=ON make run requires it, as in a real account)"
    )
    return [
        f"[console] {m.username:<12} {m.group:<9} province {m.province_code} ({m.note}), password {PASSWORD}"
        for m in staff
    ] + [f"[console] second factor (TOTP): {mfa}"]


def moto_jwks_fetch(endpoint: str, region: str):
    """How the local API reads the pool's keys: from the local moto, which serves
    `/<pool id>/.well-known/jwks.json` only to a request it can tell is for Cognito (a SigV4 header
    naming `cognito-idp`); the path is the one of the pool's real JWKS URL, the host is moto's."""
    import urllib.request
    from urllib.parse import urlsplit

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    def fetch(url: str) -> bytes:
        request = AWSRequest(method="GET", url=endpoint.rstrip("/") + urlsplit(url).path)
        SigV4Auth(Credentials("testing", "testing"), "cognito-idp", region).add_auth(request)
        with urllib.request.urlopen(
            urllib.request.Request(request.url, headers=dict(request.headers.items())), timeout=5
        ) as r:
            return r.read()

    return fetch
