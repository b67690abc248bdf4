"""The alarms an operator would set, in the packaged template: every dead-letter queue, the failure
rate of each notice template, the month's SMS spend nearing the account's limit, SNS throttling; all
to one alarm topic; and the packaged template passes cfn-lint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.templates import TEMPLATES
from infra.package import ROOT, dead_letter_queues


@pytest.fixture(scope="module")
def packaged(package_dir: Path) -> Path:
    """The process's one packaged prod template (tests/infra/conftest.py)."""
    return package_dir / "sam.yaml"


def _alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm"}


def test_every_dead_letter_queue_alarms_on_its_first_message(template) -> None:
    queues = dead_letter_queues(template)
    assert {"IngestDeadLetterQueue", "YearlyDeadLetterQueue", "StreamFailureQueue"} <= set(queues)
    alarms = _alarms(template)
    for queue in queues:
        alarm = alarms[f"{queue}Alarm"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
        assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
        says = alarm["AlarmDescription"]["Fn::Sub"]  # which queue, by its stage's name, and how to redrive it
        assert f"({queue})" in says and "bhxh-${Stage}-" in says and "docs/deploy.md, Dead letters" in says
    assert "start-message-move-task" in alarms["IngestDeadLetterQueueAlarm"]["AlarmDescription"]["Fn::Sub"]
    assert "replay" in alarms["StreamFailureQueueAlarm"]["AlarmDescription"]["Fn::Sub"]


def test_each_template_has_a_failure_rate_alarm_on_the_notices_metric(template) -> None:
    alarms = _alarms(template)
    rates = {k: v for k, v in alarms.items() if k.endswith("FailureRateAlarm")}
    assert len(rates) == len(TEMPLATES)
    [closed] = [a for a in rates.values() if "case_closed" in json.dumps(a["AlarmName"])]
    stats = {m["Id"]: m["MetricStat"]["Metric"] for m in closed["Metrics"] if "MetricStat" in m}
    assert {k: {d["Name"]: d["Value"] for d in v["Dimensions"]} for k, v in stats.items()} == {
        "sent": {"service": "bhxh", "template": "case_closed", "status": "sent"},
        "permanent": {"service": "bhxh", "template": "case_closed", "status": "permanent-failure"},
        "technical": {"service": "bhxh", "template": "case_closed", "status": "technical-failure"},
    }
    assert all(v["Namespace"] == "BHXH" and v["MetricName"] == "Notices" for v in stats.values())
    [returned] = [m for m in closed["Metrics"] if m["ReturnData"]]
    assert "100 * failed / tried" in json.dumps(returned["Expression"])
    assert closed["Threshold"] == {"Ref": "FailureRatePercent"}


def test_the_sms_spend_and_sns_throttling_alarm(template) -> None:
    alarms = _alarms(template)
    spend = alarms["SmsSpendAlarm"]
    [spent] = [m for m in spend["Metrics"] if m["Id"] == "spent"]
    assert spent["MetricStat"]["Metric"] == {"Namespace": "AWS/SNS", "MetricName": "SMSMonthToDateSpentUSD"}
    assert spend["Threshold"] == {"Ref": "SmsSpendAlarmPercent"}
    throttling = alarms["SnsThrottlingAlarm"]
    assert (throttling["Namespace"], throttling["MetricName"]) == ("BHXH", "SnsThrottles")


def test_every_alarm_notifies_the_alarm_topic(template) -> None:
    alarms = _alarms(template)
    assert len(alarms) >= len(TEMPLATES) + 5
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
    assert template["Resources"]["AlarmTopic"]["Type"] == "AWS::SNS::Topic"


def test_the_packaged_template_passes_cfn_lint(packaged) -> None:
    cfn_lint = str(Path(sys.executable).with_name("cfn-lint"))
    result = subprocess.run([cfn_lint, str(packaged)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
