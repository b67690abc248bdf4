"""Each function runs, in the tests and the local stack, under a role carrying exactly the policy
`make package` gives it, with moto's IAM enforced: a statement missing from infra/access.yaml fails
the flow that needs it here, not a deployment."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from local.stack.access import logical_id
from tests.factories import EMPLOYERS_CSV, PAYMENTS_CSV, UNIT


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def test_every_function_of_the_app_is_one_of_the_package_and_runs_under_its_document(
    functions, packaged_policies
) -> None:
    assert {logical_id(name) for name in functions.names()} == set(packaged_policies)
    for name in functions.names():
        local = functions.access.policy(name)["Statement"]
        packaged = packaged_policies[logical_id(name)]["Statement"]
        assert [_actions(s) for s in local] == [_actions(s) for s in packaged], name
        assert "Fn::" not in str(local) and "Ref" not in str(local) and "${" not in str(local), name


def test_a_function_is_refused_what_its_policy_does_not_name(functions, stack) -> None:
    ingest, send = functions.services("ingest"), functions.services("send")
    with pytest.raises(ClientError, match=r"AccessDenied|403"):
        ingest.clients.s3.get_object(Bucket=stack.bucket, Key="reports/payments/a.json")  # it may only write there
    with pytest.raises(ClientError, match="403"):
        ingest.clients.dynamodb.get_item(TableName="bhxh-local-guard", Key={"pk": {"S": "x"}})
    with pytest.raises(ClientError, match="403"):
        send.clients.ssm.get_parameter(Name=send.settings.dedupe_key_parameter, WithDecryption=True)


def test_the_sender_may_publish_to_a_phone_but_to_no_topic_and_may_not_read_the_token_key(functions, stack) -> None:
    send = functions.services("send")
    topic = stack.outputs["InboundSmsTopicArn"]
    with pytest.raises(ClientError, match=r"AuthorizationError|AccessDenied|403"):
        send.clients.sns.publish(TopicArn=topic, Message="not an SMS")
    assert send.clients.sns.publish(PhoneNumber="+84912345678", Message="an SMS")["MessageId"]
    with pytest.raises(ClientError, match=r"403|AccessDenied"):
        send.clients.ssm.get_parameter(Name=send.settings.jwt_key_parameter, WithDecryption=True)
    assert send.otp_key()  # the OTP key it renders codes with


def test_the_api_may_not_read_a_raw_upload_nor_change_the_audit_trail(functions, stack, upload) -> None:
    api = functions.services("api_handler")
    key = upload("payments", "raw.csv", PAYMENTS_CSV)
    with pytest.raises(ClientError, match=r"AccessDenied|403"):
        api.clients.s3.get_object(Bucket=stack.bucket, Key=key)
    table = api.settings.name("audit")
    with pytest.raises(ClientError, match=r"403|AccessDenied"):
        api.clients.dynamodb.delete_item(TableName=table, Key={"day": {"S": "2026-11-25"}, "at_id": {"S": "x"}})
    with pytest.raises(ClientError, match=r"403|AccessDenied"):
        api.clients.dynamodb.update_item(
            TableName=table,
            Key={"day": {"S": "2026-11-25"}, "at_id": {"S": "x"}},
            UpdateExpression="SET outcome = :o",
            ExpressionAttributeValues={":o": {"S": "ok"}},
        )


def test_the_operator_s_testing_key_may_do_everything_and_an_unknown_key_nothing(stack) -> None:
    import boto3

    assert boto3.client("s3", region_name="ap-southeast-1").list_buckets()["Buckets"]
    stranger = boto3.client(
        "s3", region_name="ap-southeast-1", aws_access_key_id="AKIAUNKNOWN0000000000", aws_secret_access_key="x"
    )
    with pytest.raises(ClientError):
        stranger.list_buckets()


# One statement taken out of one function's packaged policy (the one whose resources name the hint,
# when one is given): the flow that needs it fails.
REMOVED = {
    "report": ("Ingest", "s3:PutObject", ""),
    "publish": ("Send", "sns:Publish", ""),
    "outbox": ("Decide", "dynamodb:PutItem", ""),
    "jwt-key": ("APIHandler", "ssm:GetParameter", ""),
    "by_recipient": ("APIHandler", "dynamodb:Query", "index/by_recipient"),
    "cases": ("APIHandler", "dynamodb:PutItem", "CasesTable"),
    "flag-states": ("APIHandler", "dynamodb:BatchGetItem", "CasesTable"),
    "by_code": ("APIHandler", "dynamodb:Query", "index/by_code"),
}


def test_a_role_an_earlier_attempt_left_behind_is_taken_and_given_the_packaged_policy(
    local_service, stack, svc
) -> None:
    """A CreateRole whose answer was lost leaves its role: the next attempt takes it. Before this, a
    function whose first CreateRole timed out failed every invocation after with EntityAlreadyExists
    (the soak's daily reminders never ran at seed 2)."""
    import json

    from local.stack.access import FunctionAccess
    from local.stack.references import StackReferences

    role = f"{svc.settings.prefix}-fn-remind"
    iam = local_service.session.client("iam")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    references = StackReferences(local_service.session, stack.resources, {"Stage": stack.stage}, stack.references)
    access = FunctionAccess(local_service.session, references, prefix=svc.settings.prefix)

    assert access.credentials("remind").access_key
    assert iam.get_role_policy(RoleName=role, PolicyName="packaged")["PolicyDocument"] == access.policy("remind")
    trusted = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert trusted and trusted[0]["Action"] == "sts:AssumeRole"


def test_a_functions_role_is_made_before_its_invocation_so_the_fault_mode_never_fails_it(
    functions, clock, monkeypatch
) -> None:
    from pynamodb.exceptions import PynamoDBException

    from local.moto.faults import FaultRates, Faults

    faults = Faults(FaultRates(calls=1.0, kills=0.0, seed=1))  # every call of an invocation fails
    monkeypatch.setattr("local.stack.functions.active", lambda: faults)
    faults.install()
    try:
        with pytest.raises((ClientError, BotoCoreError, PynamoDBException)):  # its own calls fail, as drawn
            functions.tick("release_held", clock())
    finally:
        faults.uninstall()
    assert faults.counts and not [fault for fault in faults.counts if fault.startswith(("iam", "sts"))]
    assert functions.access.credentials("release_held").access_key


@pytest.fixture
def function_policies(packaged_policies, request) -> dict[str, Any]:
    """The packaged policies, with the statement `request.param` names (if any) taken out."""
    policies = copy.deepcopy(packaged_policies)
    if not hasattr(request, "param"):
        return policies
    function, action, hint = REMOVED[request.param]
    statements = policies[function]["Statement"]
    kept = [s for s in statements if not (action in _actions(s) and hint in str(s["Resource"]))]
    assert len(kept) < len(statements), f"{function} has no {action} to take out"
    policies[function]["Statement"] = kept
    return policies


def _a_payment_told(upload, pump) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "p.csv", PAYMENTS_CSV)
    pump.run_until_idle()


@pytest.mark.parametrize("function_policies", ["report"], indirect=True)
def test_without_its_report_statement_ingest_writes_no_report(function_policies, upload, pump, stack) -> None:
    import boto3

    _a_payment_told(upload, pump)
    listed = boto3.client("s3", region_name="ap-southeast-1").list_objects_v2(Bucket=stack.bucket, Prefix="reports/")
    assert listed.get("KeyCount", 0) == 0


@pytest.mark.parametrize("function_policies", ["publish"], indirect=True)
def test_without_sns_publish_the_sender_sends_nothing(function_policies, upload, pump, sent_sms, notice) -> None:
    _a_payment_told(upload, pump)
    assert sent_sms() == []
    assert notice("payment_received#PT-0001").status != "sent"


@pytest.mark.parametrize("function_policies", ["outbox"], indirect=True)
def test_without_its_outbox_put_decide_queues_no_notice(function_policies, upload, pump, sent_sms, svc) -> None:
    _a_payment_told(upload, pump)
    assert svc.tables.ledger.get("payment#PT-0001").facts["unit_code"] == UNIT  # the row was taken
    assert svc.tables.notifications.count() == 0 and sent_sms() == []


@pytest.mark.parametrize("function_policies", ["jwt-key"], indirect=True)
def test_without_its_key_parameter_the_api_cannot_send_a_code(function_policies, functions, make) -> None:
    from chalice.test import Client

    with Client(functions.http_app()) as client:
        answer = client.http.post(
            "/v1/otp", headers={"Content-Type": "application/json"}, body=b'{"ss_code": "0110129425"}'
        )
    assert answer.status_code == 500


def test_a_presigned_upload_acts_with_its_signer_s_rights(functions, stack) -> None:
    import requests

    s3 = functions.services("api_handler").clients.s3  # the console's uploads are signed by the API's role

    def upload(key: str) -> int:
        signed = s3.generate_presigned_post(Bucket=stack.bucket, Key=key, ExpiresIn=300)
        files = {"file": ("f.csv", b"a,b\n", "text/csv")}
        return int(requests.post(signed["url"], data=signed["fields"], files=files, timeout=10).status_code)

    assert upload("staged/payments/x.csv") in (201, 204)
    assert upload("reports/daily/2026-11-25.json") == 403  # the API may not write the daily figures


def test_an_unsigned_request_is_a_403_not_a_server_error(stack) -> None:
    import requests

    answer = requests.post(
        "https://dynamodb.ap-southeast-1.amazonaws.com/",
        headers={"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
        data="{}",
        timeout=10,
    )
    assert answer.status_code == 403
    assert requests.get(f"https://{stack.bucket}.s3.amazonaws.com/incoming/x.csv", timeout=10).status_code == 403


def _hotline_read(functions) -> list:
    from chalicelib.store.recipients import notices_to

    return notices_to(functions.services("api_handler").tables, [("person", "4012345678")])


def _a_case_opened(functions, clock) -> bool:
    from chalicelib.store.cases import open_case

    return open_case(
        functions.services("api_handler").tables,
        case_id="case-abcdefghijklmnopabcdefgh",
        kind="unpaid_month",
        subject="2026-10",
        ss_code="4012345678",
        masked_code="*******678",
        facts={"period": "2026-10"},
        person_province="40",
        employer_province=None,
        at=clock(),
    )


def test_the_api_reads_a_recipient_s_notices_and_opens_a_case_under_its_packaged_policy(functions, clock) -> None:
    assert _hotline_read(functions) == []
    assert _a_case_opened(functions, clock) is True


@pytest.mark.parametrize("function_policies", ["by_recipient"], indirect=True)
def test_without_its_by_recipient_query_the_hotline_cannot_read_notices(function_policies, functions) -> None:
    with pytest.raises(Exception, match=r"AccessDenied|403|not authorized"):
        _hotline_read(functions)


@pytest.mark.parametrize("function_policies", ["cases"], indirect=True)
def test_without_its_cases_statement_a_flag_opens_no_case(function_policies, functions, clock) -> None:
    with pytest.raises(Exception, match=r"AccessDenied|403|not authorized"):
        _a_case_opened(functions, clock)


CODED = "case-abcdefghijklmnopabcdefgi"


def _a_coded_case(functions, clock) -> str:
    """A case opened as `POST /v1/me/flags` opens one: its code from the guard's counter."""
    from chalicelib.store.case_codes import next_case_code
    from chalicelib.store.cases import open_case

    tables = functions.services("api_handler").tables
    code = next_case_code(tables, "40", clock())
    assert open_case(
        tables,
        case_id=CODED,
        kind="unpaid_month",
        subject="2026-09",
        ss_code="4012345678",
        masked_code="*******678",
        facts={"period": "2026-09"},
        person_province="40",
        employer_province=None,
        at=clock(),
        case_code=code,
    )
    return code


def test_the_api_numbers_a_case_reads_a_persons_flags_and_finds_a_code_under_its_packaged_policy(
    functions, clock
) -> None:
    from chalicelib.store.cases import case_by_code, cases_by_id

    code = _a_coded_case(functions, clock)
    assert code == "BHXH-40-2611-0001"
    tables = functions.services("api_handler").tables
    assert list(cases_by_id(tables, [CODED])) == [CODED]
    found = case_by_code(tables, code)
    assert found is not None and found.id == CODED


@pytest.mark.parametrize("function_policies", ["flag-states"], indirect=True)
def test_without_its_batch_get_on_cases_the_page_cannot_show_flags(function_policies, functions, clock) -> None:
    from chalicelib.store.cases import cases_by_id

    with pytest.raises(Exception, match=r"AccessDenied|403|not authorized"):
        cases_by_id(functions.services("api_handler").tables, [CODED])


@pytest.mark.parametrize("function_policies", ["by_code"], indirect=True)
def test_without_its_by_code_query_the_console_cannot_find_a_code(function_policies, functions, clock) -> None:
    from chalicelib.store.cases import case_by_code

    with pytest.raises(Exception, match=r"AccessDenied|403|not authorized"):
        case_by_code(functions.services("api_handler").tables, "BHXH-40-2611-0001")
