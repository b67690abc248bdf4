"""The packaged template: one role per function, naming only its own resources; API throttled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.package import ROOT

# Which tables each function may touch at all (its item actions, index queries and stream reads).
TABLES = {
    "Ingest": {
        "PeopleTable",
        "EmployersTable",
        "HistoryTable",
        "LedgerTable",
        "NotificationsTable",
        "FilesTable",
        "AuditTable",
    },
    "Decide": {"LedgerTable", "PeopleTable", "EmployersTable", "NotificationsTable"},
    "Route": {"NotificationsTable", "GuardTable", "PeopleTable", "EmployersTable", "FilesTable"},
    "Send": {"NotificationsTable", "GuardTable"},
    "ReleaseHeld": {"NotificationsTable", "GuardTable"},
    "Remind": {"LedgerTable", "PeopleTable", "EmployersTable", "NotificationsTable", "GuardTable", "IdempotencyTable"},
    "Receipts": {"NotificationsTable", "GuardTable"},
    "DeliveryLogs": {"NotificationsTable", "GuardTable"},
    "DailySummary": {"GuardTable"},
    "YearlyStatement": {"IdempotencyTable"},
    "YearlySegment": {"PeopleTable", "HistoryTable", "EmployersTable", "NotificationsTable"},
    "APIHandler": {
        "PeopleTable",
        "HistoryTable",
        "LedgerTable",
        "EmployersTable",
        "NotificationsTable",
        "GuardTable",
        "AuditTable",
        "FilesTable",
        "CasesTable",
    },
}
# Actions that have no resource-level permissions (phone numbers have no ARN; X-Ray has none).
STAR_ALLOWED = {"sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}


def _statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    role = _functions(template)[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    [policy] = template["Resources"][role]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


_TABLE_NAMES = (
    "People",
    "Employers",
    "History",
    "Ledger",
    "Notifications",
    "Guard",
    "Idempotency",
    "Audit",
    "Files",
    "Cases",
)


def _tables_named(resource: Any) -> set[str]:
    text = json.dumps(resource)
    return {name for name in _TABLE_NAMES if f'"{name}Table' in text or "${" + name + "Table" in text}


def test_chalice_writes_no_policy_of_its_own_guessing() -> None:
    assert json.loads((ROOT / ".chalice" / "config.json").read_text())["autogen_policy"] is False


def test_every_function_has_a_role_of_its_own_with_one_policy(template) -> None:
    functions = _functions(template)
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()]
    assert len(set(roles)) == len(roles) == len(functions)
    assert "DefaultRole" not in template["Resources"]
    assert set(functions) == set(TABLES), "a new function needs its lines in infra/access.yaml and here"
    for role in roles:
        assert len(template["Resources"][role]["Properties"]["Policies"]) == 1


@pytest.mark.parametrize("function", sorted(TABLES))
def test_a_function_names_only_its_own_tables(template, function: str) -> None:
    named = set()
    for statement in _statements(template, function):
        if any(str(a).startswith("dynamodb:") for a in _actions(statement)):
            named |= {f"{t}Table" for t in _tables_named(statement["Resource"])}
    assert named == TABLES[function]


@pytest.mark.parametrize("function", sorted(TABLES))
def test_no_wildcard_action_and_no_star_resource_but_where_aws_has_no_arn(template, function: str) -> None:
    for statement in _statements(template, function):
        actions = _actions(statement)
        assert not any(a.endswith("*") for a in actions), actions
        if statement["Resource"] == "*":
            assert set(actions) <= STAR_ALLOWED, actions


def test_every_queue_and_stream_trigger_reports_partial_failures(template) -> None:
    for name, function in _functions(template).items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] in ("SQS", "DynamoDB"):
                assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
            if event["Type"] == "DynamoDB":
                assert event["Properties"]["MaximumRetryAttempts"] <= 10
                assert "OnFailure" in event["Properties"]["DestinationConfig"]


def _failure_destinations(function: dict[str, Any]) -> list[Any]:
    props = function["Properties"]
    configs = [props.get("EventInvokeConfig", {}).get("DestinationConfig", {})]
    configs += [e["Properties"].get("DestinationConfig", {}) for e in props.get("Events", {}).values()]
    return [c["OnFailure"]["Destination"] for c in configs if "OnFailure" in c]


def test_every_function_may_send_to_the_failure_destination_lambda_sends_to_with_its_role(template) -> None:
    for name, function in _functions(template).items():
        for destination in _failure_destinations(function):
            allowed = [s["Resource"] for s in _statements(template, name) if "sqs:SendMessage" in _actions(s)]
            assert destination in allowed, f"{name} cannot send its failures to {destination}"


def test_the_api_stage_is_throttled_and_has_a_usage_plan(template) -> None:
    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert settings[0]["ThrottlingRateLimit"] > 0 and settings[0]["ThrottlingBurstLimit"] > 0
    plan = template["Resources"]["ApiUsagePlan"]["Properties"]
    assert plan["ApiStages"][0]["ApiId"] == {"Ref": "RestAPI"}
    assert plan["Throttle"]["RateLimit"] > 0


def test_both_sms_delivery_log_groups_invoke_the_delivery_logs_function_they_may_invoke(template) -> None:
    resources = template["Resources"]
    filters = {k: v["Properties"] for k, v in resources.items() if v["Type"] == "AWS::Logs::SubscriptionFilter"}
    groups = {json.dumps(f["LogGroupName"]) for f in filters.values()}
    assert len(filters) == 2 and any("Failure" in g for g in groups) and not all("Failure" in g for g in groups)
    for name, subscription in filters.items():
        assert subscription["DestinationArn"] == {"Fn::GetAtt": ["DeliveryLogs", "Arn"]}
        assert subscription["FilterPattern"] == ""
        permission = resources[resources[name]["DependsOn"]]
        assert permission["Type"] == "AWS::Lambda::Permission"
        assert permission["Properties"]["Principal"] == "logs.amazonaws.com"
        assert permission["Properties"]["FunctionName"] == {"Fn::GetAtt": ["DeliveryLogs", "Arn"]}
        failure_group = "Failure" in json.dumps(subscription["LogGroupName"])
        assert permission["Properties"]["SourceArn"]["Fn::Sub"].endswith(
            "/DirectPublishToPhoneNumber/Failure:*" if failure_group else "/DirectPublishToPhoneNumber:*"
        )


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def _allowed(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    return [s for s in _statements(template, function) if s["Effect"] == "Allow"]


def test_the_sender_publishes_to_phone_numbers_only_and_cannot_read_the_token_key(template) -> None:
    statements = _statements(template, "Send")
    publish = [s for s in statements if "sns:Publish" in _actions(s)]
    assert {(s["Effect"], json.dumps(s["Resource"])) for s in publish} == {
        ("Allow", '"*"'),
        ("Deny", json.dumps({"Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*"})),  # every topic and endpoint
    }
    parameters = json.dumps([s["Resource"] for s in statements if "ssm:GetParameter" in _actions(s)])
    assert "/otp-key" in parameters and "jwt-key" not in parameters


def test_no_function_may_change_or_remove_an_entry_of_the_audit_trail(template) -> None:
    for function in _functions(template):
        for statement in _allowed(template, function):
            if "AuditTable" in json.dumps(statement["Resource"]):
                assert set(_actions(statement)) <= {"dynamodb:PutItem", "dynamodb:Query", "dynamodb:GetItem"}
    [deny] = [s for s in _statements(template, "APIHandler") if s["Effect"] == "Deny"]
    assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= set(_actions(deny))
    assert deny["Resource"] == {"Fn::GetAtt": ["AuditTable", "Arn"]}


def test_the_api_reads_only_the_objects_it_serves_never_a_raw_upload(template) -> None:
    [reads] = [s for s in _allowed(template, "APIHandler") if "s3:GetObject" in _actions(s)]
    keys = sorted(r["Fn::Sub"].split("-ingest/", 1)[1] for r in reads["Resource"])
    assert keys == ["reports/*.errors.csv", "reports/staged/*.json", "staged/*"]


def test_the_lambda_zip_holds_the_service_and_its_libraries_and_no_development_code(package_dir) -> None:
    import zipfile

    with zipfile.ZipFile(package_dir / "deployment.zip") as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        names = archive.namelist()
    assert {"app.py", "chalicelib", "aws_lambda_powertools", "pynamodb"} <= tops
    assert not {"local", "tests", "bench", "infra", "moto", "samples"} & tops
    assert not {"boto3", "botocore", "s3transfer", "aws_xray_sdk"} & tops  # the runtime has the SDK; no X-Ray SDK
    assert not [n for n in names if n.startswith(("chalicelib/local/", "chalicelib/tests/"))]


def test_the_lambda_zip_is_at_most_10_mb(package_dir) -> None:
    assert (package_dir / "deployment.zip").stat().st_size <= 10 * 1024 * 1024
