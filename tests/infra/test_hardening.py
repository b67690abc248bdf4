"""What checkov (`make lint`) asks of the packaged template, checked without checkov (make test
does not need it): every skip says why, each function's concurrency is reserved, every asynchronous
function has an on-failure destination, personal data sits under the service's own key, tables of
record can be restored to a point in time, and the API writes access logs and traces."""

from __future__ import annotations

import json
from typing import Any

from infra.package import unexplained_skips

ASYNC = {"ReleaseHeld", "Remind", "DailySummary", "YearlyStatement", "Receipts", "DeliveryLogs"}


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _skipped(resource: dict[str, Any]) -> set[str]:
    return {s["id"] for s in ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip", [])}


def test_every_checkov_skip_in_the_template_says_why(template) -> None:
    assert unexplained_skips(template) == []
    skips = [
        s for r in template["Resources"].values() for s in (r.get("Metadata") or {}).get("checkov", {}).get("skip", [])
    ]
    assert len(skips) > 30 and all(len(s["comment"]) > 40 for s in skips)


def test_a_skip_with_no_reason_is_reported() -> None:
    template = {
        "Resources": {"Q": {"Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_27"}, {"id": "X", "comment": " "}]}}}}
    }
    assert unexplained_skips(template) == ["Q: CKV_AWS_27", "Q: X"]


def test_each_function_has_reserved_concurrency_and_the_account_keeps_its_unreserved_100(template) -> None:
    functions = _of_type(template, "AWS::Serverless::Function")
    reserved = {name: f["Properties"].get("ReservedConcurrentExecutions") for name, f in functions.items()}
    assert all(isinstance(n, int) and n > 0 for n in reserved.values()), reserved
    assert sum(reserved.values()) <= 1000 - 100  # Lambda's default account limit keeps 100 unreserved
    ingest = functions["Ingest"]["Properties"]["Events"]["IngestSqsEventSource"]["Properties"]
    assert ingest["ScalingConfig"]["MaximumConcurrency"] <= reserved["Ingest"]
    yearly = functions["YearlySegment"]["Properties"]["Events"]["YearlySegmentSqsEventSource"]["Properties"]
    assert yearly["ScalingConfig"]["MaximumConcurrency"] <= reserved["YearlySegment"]


def test_every_asynchronous_function_sends_its_failures_somewhere(template) -> None:
    functions = _of_type(template, "AWS::Serverless::Function")
    for name in ASYNC:
        config = functions[name]["Properties"]["EventInvokeConfig"]
        assert config["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}
        assert config["MaximumRetryAttempts"] <= 2
    for name, function in functions.items():  # the others are skipped, each with its reason
        assert name in ASYNC or "CKV_AWS_116" in _skipped(function), name


def test_personal_data_sits_under_the_service_s_own_rotating_key(template) -> None:
    key = {"Ref": "DataKey"}
    assert template["Resources"]["DataKey"]["Properties"]["EnableKeyRotation"] is True
    for name, table in _of_type(template, "AWS::DynamoDB::Table").items():
        assert table["Properties"]["SSESpecification"] == {
            "SSEEnabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": key,
        }, name
    for name in ("InboundSmsTopic", "SmsStatusTopic", "AlarmTopic"):
        assert template["Resources"][name]["Properties"]["KmsMasterKeyId"] == key
    assert template["Resources"]["StreamFailureQueue"]["Properties"]["KmsMasterKeyId"] == key
    for name, group in _of_type(template, "AWS::Logs::LogGroup").items():
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}, name
    for name, queue in _of_type(template, "AWS::SQS::Queue").items():  # the rest: SSE-SQS, no personal data
        assert "KmsMasterKeyId" in queue["Properties"] or queue["Properties"]["SqsManagedSseEnabled"] is True, name


def test_every_function_may_use_the_key_only_through_dynamodb_and_sqs(template) -> None:
    for name, function in _of_type(template, "AWS::Serverless::Function").items():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        [policy] = template["Resources"][role]["Properties"]["Policies"]
        [use] = [s for s in policy["PolicyDocument"]["Statement"] if "kms:Decrypt" in s["Action"]]
        assert use["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}, name
        assert json.dumps(use["Condition"]) == json.dumps(
            {"StringLike": {"kms:ViaService": ["dynamodb.*.amazonaws.com", "sqs.*.amazonaws.com"]}}
        )


def test_every_table_of_record_can_be_restored_to_a_point_in_time(template) -> None:
    for name, table in _of_type(template, "AWS::DynamoDB::Table").items():
        pitr = table["Properties"].get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled")
        assert pitr is True or (name == "IdempotencyTable" and "CKV_AWS_28" in _skipped(table)), name


def test_the_api_writes_access_logs_without_query_strings_and_traces(template) -> None:
    api = template["Resources"]["RestAPI"]["Properties"]
    assert api["TracingEnabled"] is True
    assert api["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert "$context.requestId" in api["AccessLogSetting"]["Format"]
    assert "querystring" not in api["AccessLogSetting"]["Format"].lower()
    assert template["Resources"]["ApiGatewayAccount"]["Condition"] == "OwnsSmsLogGroups"
