"""The account's SMS delivery-status log groups and the role SNS writes them with (resources.yaml)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.package import ROOT, load

SUCCESS = "sns/${AWS::Region}/${AWS::AccountId}/DirectPublishToPhoneNumber"  # SNS's names, not ours
FAILURE = SUCCESS + "/Failure"


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return load(ROOT / "infra" / "resources.yaml")


def _personal_data_days() -> int:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return int(config["environment_variables"]["PERSONAL_DATA_DAYS"])


def test_the_two_log_groups_carry_sns_own_names_and_keep_phones_no_longer_than_the_outbox(resources) -> None:
    groups = {k: v for k, v in resources["Resources"].items() if v["Type"] == "AWS::Logs::LogGroup" and "Sms" in k}
    assert {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in groups.values()} == {SUCCESS, FAILURE}
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == _personal_data_days()


def test_only_the_stack_that_owns_them_creates_the_groups_and_the_role(resources) -> None:
    assert resources["Parameters"]["CreateSmsLogGroups"]["Default"] == "true"
    assert resources["Conditions"]["OwnsSmsLogGroups"] == {"Fn::Equals": [{"Ref": "CreateSmsLogGroups"}, "true"]}
    owned = [k for k, v in resources["Resources"].items() if v.get("Condition") == "OwnsSmsLogGroups"]
    assert sorted(owned) == ["SmsDeliveryFailureLogGroup", "SmsDeliveryLogGroup", "SmsDeliveryStatusRole"]
    assert resources["Outputs"]["SmsDeliveryStatusRoleArn"]["Condition"] == "OwnsSmsLogGroups"


def test_sns_may_write_to_those_two_groups_and_nowhere_else(resources) -> None:
    role = resources["Resources"]["SmsDeliveryStatusRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "sns.amazonaws.com"} and trust["Action"] == "sts:AssumeRole"
    [policy] = role["Policies"]
    for statement in policy["PolicyDocument"]["Statement"]:
        assert all(action.startswith("logs:") and "*" not in action for action in statement["Action"])
        arns = [r["Fn::Sub"] for r in statement["Resource"]]
        prefix = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
        assert {arn.removeprefix(prefix).removesuffix(":*") for arn in arns} == {SUCCESS, FAILURE}
