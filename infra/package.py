"""`make package`: `chalice package` with the stateful resources and the wiring merged in.

Chalice takes one merge template; this folds `resources.yaml` and `wiring.yaml` into one, runs
`chalice package --merge-template`, and with `--lint` checks the result with cfn-lint.

The zip then loses what the Lambda Python runtime already holds (boto3 and botocore with their
dependencies: `RUNTIME_PROVIDED`), which Chalice copies in because PynamoDB and Powertools depend on
botocore: 16.4 MB of a 24 MB zip. The functions then run on the runtime's botocore, which AWS keeps
current; the code uses no call newer than the runtime's.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml
from chalice.package import YAMLTemplateSerializer

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
# In every Lambda Python runtime (its AWS SDK and what the SDK needs), as packages and dist-info names.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
RUNTIME_DIST_INFO = ("boto3-", "botocore-", "s3transfer-", "jmespath-", "python_dateutil-", "six-", "urllib3-")


def load(path: Path) -> dict[str, Any]:
    """A CloudFormation YAML file, short-form tags (`!GetAtt`, `!Sub`) read as their long form."""
    return YAMLTemplateSerializer().load_template(path.read_text())


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def function_policies() -> dict[str, dict[str, Any]]:
    """Each function's one policy document, by its logical id (`Ingest`, `APIHandler`): the base
    (logs, traces) and its lines of access.yaml. The package puts exactly this on the function's
    role; the local stack and the tests run each function under exactly this (local/stack/access.py)."""
    base = json.loads((ROOT / ".chalice" / "policy-base.json").read_text())["Statement"]
    return {
        function: {"Version": "2012-10-17", "Statement": base + [{"Effect": "Allow", **s} for s in statements]}
        for function, statements in load(ROOT / "infra" / "access.yaml").items()
    }


def role_name(function: str) -> str:
    """The role `chalice package` makes for a function's logical id."""
    return "ApiHandlerRole" if function == "APIHandler" else f"{function}Role"


def role_policies() -> dict[str, Any]:
    """One inline policy per function's role, as a merge template fragment."""
    resources: dict[str, Any] = {}
    for function, document in function_policies().items():
        role = role_name(function)
        resources[role] = {"Properties": {"Policies": [{"PolicyName": f"{role}Policy", "PolicyDocument": document}]}}
    return {"Resources": resources}


STAFF_AUTHORIZER = "StaffPool"


def staff_authorizer() -> dict[str, Any]:
    """API Gateway's Cognito authorizer (the staff pool) on every `/v1/agency/` route. Said here, not
    with Chalice's `CognitoUserPoolAuthorizer`: Chalice's local server runs that one itself and fails
    on a malformed token; the routes check the same token in code (chalicelib/agency/identity.py)."""
    import app

    paths = {
        path: {method.lower(): {"security": [{STAFF_AUTHORIZER: []}]} for method in methods}
        for path, methods in app.app.routes.items()
        if path.startswith("/v1/agency/")
    }
    definition = {
        "securityDefinitions": {
            STAFF_AUTHORIZER: {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {
                    "type": "cognito_user_pools",
                    "providerARNs": [{"Fn::GetAtt": ["StaffUserPool", "Arn"]}],
                },
            }
        },
        "paths": paths,
    }
    return {"Resources": {"RestAPI": {"Properties": {"DefinitionBody": definition}}}}


def _logical_queue(ref: Any) -> str | None:
    """`!GetAtt SomeQueue.Arn` (as loaded) → `SomeQueue`."""
    if isinstance(ref, dict) and isinstance(ref.get("Fn::GetAtt"), list) and ref["Fn::GetAtt"][1:] == ["Arn"]:
        return str(ref["Fn::GetAtt"][0])
    return None


def dead_letter_queues(template: dict[str, Any]) -> list[str]:
    """Every queue a failure ends in: the redrive target of a queue, or a function's on-failure
    destination (async invocations and stream event sources), by logical id."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                failure = key == "deadLetterTargetArn" or (key == "Destination" and node.get("Type") == "SQS")
                if failure and (name := _logical_queue(value)):
                    found.add(name)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template.get("Resources", {}))
    return sorted(q for q in found if template["Resources"].get(q, {}).get("Type") == "AWS::SQS::Queue")


def _redrive_hint(queue: str, template: dict[str, Any]) -> str:
    """What the alarm says to do, naming the queue (CloudFormation's `Fn::Sub`: the stage's name)."""
    name = template["Resources"][queue].get("Properties", {}).get("QueueName", queue)
    name = name.get("Fn::Sub", queue) if isinstance(name, dict) else str(name)
    if queue == "StreamFailureQueue":
        return (
            f"Stream batches failed every retry; their descriptions wait in {name} ({queue}). Read them,"
            " fix the cause, then replay the batches they name (docs/deploy.md, Dead letters)."
        )
    return (
        f"Messages wait in {name} ({queue}): they failed every retry. Read them, fix the cause, then"
        " redrive them to their queue: the SQS console's Start DLQ redrive, or `aws sqs"
        " start-message-move-task --source-arn` this queue's ARN (docs/deploy.md, Dead letters)."
    )


def _alarm_id(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", "_").split("_"))


def generated_alarms(template: dict[str, Any]) -> dict[str, Any]:
    """What CloudFormation cannot loop over: an alarm per dead-letter queue (a message in it is
    something that failed every retry), and a failure-rate alarm per notice template, on the `Notices`
    metric the outbox stream emits by template and status (chalicelib/notify)."""
    from chalicelib.domain.templates import TEMPLATES

    service = json.loads((ROOT / ".chalice" / "config.json").read_text())["environment_variables"][
        "POWERTOOLS_SERVICE_NAME"
    ]
    actions = {"AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}
    alarms: dict[str, Any] = {}
    for queue in dead_letter_queues(template):
        alarms[f"{queue}Alarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmName": {"Fn::Sub": "bhxh-${Stage}-dead-letters-" + queue},
                "AlarmDescription": {"Fn::Sub": _redrive_hint(queue, template)},
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                **actions,
            },
        }

    def notices(metric_id: str, template_name: str, status: str) -> dict[str, Any]:
        dimensions = [
            {"Name": "service", "Value": service},
            {"Name": "template", "Value": template_name},
            {"Name": "status", "Value": status},
        ]
        stat = {"Metric": {"Namespace": "BHXH", "MetricName": "Notices", "Dimensions": dimensions}}
        return {"Id": metric_id, "ReturnData": False, "MetricStat": {**stat, "Period": 900, "Stat": "Sum"}}

    for name in sorted(TEMPLATES):
        alarms[f"{_alarm_id(name)}FailureRateAlarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmName": {"Fn::Sub": f"bhxh-${{Stage}}-failure-rate-{name}"},
                "AlarmDescription": f"Over FailureRatePercent of the `{name}` notices failed (permanent or"
                " technical) in 15 minutes. The console's figures and a hotline search show which and why.",
                "Metrics": [
                    notices("sent", name, "sent"),
                    notices("permanent", name, "permanent-failure"),
                    notices("technical", name, "technical-failure"),
                    {"Id": "failed", "ReturnData": False, "Expression": "FILL(permanent, 0) + FILL(technical, 0)"},
                    {"Id": "tried", "ReturnData": False, "Expression": "FILL(sent, 0) + failed"},
                    {
                        "Id": "rate",
                        "Label": f"percent of {name} notices failed",
                        "ReturnData": True,
                        "Expression": {"Fn::Sub": "IF(tried >= ${FailureRateMinimum}, 100 * failed / tried, 0)"},
                    },
                ],
                "ComparisonOperator": "GreaterThanThreshold",
                "Threshold": {"Ref": "FailureRatePercent"},
                "EvaluationPeriods": 1,
                "TreatMissingData": "notBreaching",
                **actions,
            },
        }
    return {"Resources": alarms}


def checkov_skips() -> dict[str, Any]:
    """The checkov skips of infra/checkov.yaml as the template's `Metadata: checkov: skip:`, where
    checkov reads them: each function's (those of every function, then its own) and those of the
    resources `make package` makes (the roles); resources.yaml's resources carry theirs."""
    skips = load(ROOT / "infra" / "checkov.yaml")
    every = skips.pop("EveryFunction", [])
    functions = list(load(ROOT / "infra" / "access.yaml"))
    named = {name: [dict(s) for s in every + skips.get(name, [])] for name in functions}
    named.update({name: [dict(s) for s in listed] for name, listed in skips.items() if name not in functions})
    return {"Resources": {name: {"Metadata": {"checkov": {"skip": listed}}} for name, listed in named.items()}}


def unexplained_skips(template: dict[str, Any]) -> list[str]:
    """`resource: check` for each checkov skip in the template that gives no reason."""
    out = []
    for name, resource in template.get("Resources", {}).items():
        for skip in ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip", []):
            if not str(skip.get("comment") or "").strip():
                out.append(f"{name}: {skip.get('id')}")
    return out


def run_checkov(checkov: str, template: Path) -> int:
    """checkov on the packaged template: 0 when nothing fails and every skip says why."""
    answer = subprocess.run(
        [checkov, "-f", str(template), "--framework", "cloudformation", "--quiet", "--compact", "-o", "json"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(answer.stdout)
    except ValueError:
        print(answer.stdout, answer.stderr, file=sys.stderr)
        return answer.returncode or 1
    report = report[0] if isinstance(report, list) else report
    summary = report.get("summary", {})
    failed = (report.get("results") or {}).get("failed_checks", [])
    for check in failed:
        print(f"checkov FAILED {check['check_id']} {check['resource']}: {check['check_name']}")
    unexplained = unexplained_skips(load(template))
    for skip in unexplained:
        print(f"checkov skip without a reason: {skip}")
    print(
        f"checkov: {summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed, "
        f"{summary.get('skipped', 0)} skipped (each with its reason)"
    )
    return 1 if failed or unexplained or summary.get("parsing_errors") else 0


def merge_template() -> Path:
    merged = deep_merge(load(ROOT / "infra" / "resources.yaml"), load(ROOT / "infra" / "wiring.yaml"))
    merged = deep_merge(merged, load(ROOT / "infra" / "alarms.yaml"))
    merged = deep_merge(merged, generated_alarms(merged))
    merged = deep_merge(merged, role_policies())
    merged = deep_merge(merged, staff_authorizer())
    merged = deep_merge(merged, checkov_skips())
    BUILD.mkdir(exist_ok=True)
    target = BUILD / "merge.yaml"
    target.write_text(yaml.safe_dump(merged, sort_keys=False, allow_unicode=True))
    return target


def package(stage: str, out: Path | None = None) -> Path:
    """The packaged template's path (`build/package/<stage>/sam.yaml` unless `out` says elsewhere)."""
    out = out or BUILD / "package" / stage
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-1")}
    chalice = str(Path(sys.executable).with_name("chalice"))
    BUILD.mkdir(parents=True, exist_ok=True)
    with (BUILD / ".package.lock").open("w") as lock:
        # one at a time: Chalice caches the zip it builds in .chalice/deployments/, shared by every
        # process packaging this tree (two test workers at once read each other's half-written zip)
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [chalice, "package", "--stage", stage, "--merge-template", str(merge_template()), str(out)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        without_runtime_sdk(out / "deployment.zip")
    return out / "sam.yaml"


def provided_by_runtime(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top in RUNTIME_PROVIDED or (top.endswith(".dist-info") and top.startswith(RUNTIME_DIST_INFO))


def without_runtime_sdk(path: Path) -> None:
    """Rewrite the zip without the packages the Lambda runtime provides (module docstring)."""
    kept = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(kept, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if not provided_by_runtime(info.filename):
                target.writestr(info, source.read(info.filename))
    kept.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--lint", action="store_true", help="check the packaged template with cfn-lint and checkov")
    parser.add_argument("--checkov", default=str(ROOT / ".venv-checkov" / "bin" / "checkov"), help="checkov to run")
    args = parser.parse_args()
    template = package(args.stage)
    print(f"packaged: {template.relative_to(ROOT)}")
    if args.lint:
        cfn_lint = str(Path(sys.executable).with_name("cfn-lint"))
        linted = subprocess.run([cfn_lint, str(template)], check=False, cwd=ROOT).returncode
        return linted or run_checkov(args.checkov, template)
    return 0


if __name__ == "__main__":
    sys.exit(main())
