"""The suite's own layout: what `make test-fast` leaves out, and the shared stack's restore."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REGION, ROOT


def _collected(*args: str) -> list[str]:
    answer = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert answer.returncode in (0, 5), answer.stdout + answer.stderr  # 5: nothing collected
    return [line for line in answer.stdout.splitlines() if "::" in line]


def test_every_end_to_end_test_and_no_other_is_marked_e2e_so_test_fast_leaves_exactly_them_out() -> None:
    e2e = _collected("-m", "e2e", "tests/e2e", "tests/local/test_stack.py")
    everything = _collected("tests/e2e", "tests/local/test_stack.py")
    assert e2e and all(test.startswith("tests/e2e/") for test in e2e)
    assert sorted(e2e) == sorted(t for t in everything if t.startswith("tests/e2e/"))


def test_after_a_days_traffic_the_shared_stack_is_put_back_exactly_as_built(
    shared_stack, stack, svc, known_day, sent_sms
) -> None:
    """What every test writes (items and stream records, objects and versions, messages, SMS, staff
    and their sign-ins, a changed SSM value, a pool setting) is gone after the restore, and nothing
    the built stack held is."""
    import boto3

    from local.stack.staff import PASSWORD, StaffPool, create_demo_staff

    known_day()
    pool = StaffPool(stack.outputs["StaffUserPoolId"], stack.outputs["StaffConsoleClientId"])
    create_demo_staff(boto3.session.Session(), pool)
    cognito = boto3.client("cognito-idp", region_name=REGION)
    auth = {"USERNAME": "uploader.na", "PASSWORD": PASSWORD}
    cognito.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)
    totp = {"Enabled": True}
    cognito.set_user_pool_mfa_config(UserPoolId=pool.pool_id, SoftwareTokenMfaConfiguration=totp, MfaConfiguration="ON")
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name=svc.settings.jwt_key_parameter, Value="x" * 64, Type="SecureString", Overwrite=True)
    with pytest.raises(AssertionError, match="differs from the built stack"):
        shared_stack.check()  # the day was seen

    shared_stack.restore()

    shared_stack.check()
    assert sent_sms() == [] and list(svc.tables.notifications.scan()) == []
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool.pool_id)["MfaConfiguration"] == "OPTIONAL"
    value = ssm.get_parameter(Name=svc.settings.jwt_key_parameter, WithDecryption=True)["Parameter"]["Value"]
    assert value != "x" * 64
