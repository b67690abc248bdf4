"""Creates infra/resources.yaml in moto through CloudFormation itself, then applies through the
API what moto's CloudFormation skips (TTL, the bucket's notifications to the ingest queue and its
CORS rule, the staff user pool). Its copy of the template also asks moto's CloudFormation for every
reference the functions' packaged policies make (local/stack/references.py)."""

from __future__ import annotations

import json
import os
import time
import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from chalicelib.aws.settings import Settings
from infra.package import function_policies, load
from local.env import ROOT
from local.stack.references import reference_outputs, resolved_outputs
from local.stack.secrets import create_keys

STACK = "bhxh-local"


@dataclass(frozen=True)
class LocalStack:
    outputs: dict[str, str]
    applied: list[str]  # what had to be applied through the API, to say so
    resources: dict[str, tuple[str, str]] = field(default_factory=dict)  # logical id -> (type, physical id)
    stage: str = "local"
    references: dict[str, str] = field(default_factory=dict)  # a policy's reference -> moto's value of it

    def queue_names(self) -> dict[str, str]:
        """Logical id -> queue name (`bhxh-<stage>-<what>`) of every queue the template made."""
        return {
            logical: physical.rstrip("/").rsplit("/", 1)[-1]
            for logical, (kind, physical) in self.resources.items()
            if kind == "AWS::SQS::Queue"
        }

    @property
    def ingest_queue_url(self) -> str:
        return self.outputs["IngestQueueUrl"]

    @property
    def bucket(self) -> str:
        return self.outputs["IngestBucketName"]


def create_stack(session: Any, stage: str = "local", console_origin: str | None = None) -> LocalStack:
    """`console_origin`: where the console page is served (the API's address); the template's default
    (port 8000) when None."""
    cfn = session.client("cloudformation")
    template = _template()
    origin = console_origin or template["Parameters"]["ConsoleOrigin"]["Default"]
    added = reference_outputs(template, function_policies().values())
    body = json.dumps({**template, "Outputs": {**template.get("Outputs", {}), **added}})
    with warnings.catch_warnings():  # moto warns of the QueuePolicy it skips; we apply it below
        warnings.simplefilter("ignore", UserWarning)
        cfn.create_stack(
            StackName=STACK,
            TemplateBody=body,
            Parameters=[
                {"ParameterKey": "Stage", "ParameterValue": stage},
                {"ParameterKey": "ConsoleOrigin", "ParameterValue": origin},
            ],
        )
    for _ in range(100):
        stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
        if stack["StackStatus"].endswith("_COMPLETE"):
            break
        time.sleep(0.1)
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"local stack not created: {stack['StackStatus']}")
    answered = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    outputs = {name: value for name, value in answered.items() if name not in added}
    summaries = cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}
    create_keys(session, Settings.from_env({**os.environ, "BHXH_STAGE": stage}))
    applied = (
        _apply_ttl(session, resources)
        + _apply_queue_policy(session, outputs)
        + _apply_bucket_versioning(session, outputs)
        + _apply_bucket_lifecycle(session, outputs)
        + _apply_bucket_notification(session, resources, outputs)
        + _apply_bucket_cors(session, outputs, origin)
    )
    from local.stack.staff import create_staff_pool

    pool = create_staff_pool(session, stage)
    outputs.update(StaffUserPoolId=pool.pool_id, StaffConsoleClientId=pool.client_id)
    applied.append(f"staff user pool {pool.pool_id} (groups uploader, support, viewer; client console)")
    typed = {r["LogicalResourceId"]: (r["ResourceType"], r["PhysicalResourceId"]) for r in summaries}
    typed["StaffUserPool"] = ("AWS::Cognito::UserPool", pool.pool_id)  # made through the API: still the template's
    typed["StaffConsoleClient"] = ("AWS::Cognito::UserPoolClient", pool.client_id)
    references = resolved_outputs(added, answered)
    return LocalStack(outputs=outputs, applied=applied, resources=typed, stage=stage, references=references)


@cache
def _template() -> dict[str, Any]:
    return load(ROOT / "infra" / "resources.yaml")


def _apply_ttl(session: Any, resources: dict[str, str]) -> list[str]:
    ddb = session.client("dynamodb")
    applied = []
    for logical, spec in _template()["Resources"].items():
        ttl = spec.get("Properties", {}).get("TimeToLiveSpecification")
        if spec["Type"] != "AWS::DynamoDB::Table" or not ttl:
            continue
        table = resources[logical]
        current = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") != "ENABLED":
            ddb.update_time_to_live(
                TableName=table,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
            applied.append(f"TTL on {table}")
    return applied


def _apply_queue_policy(session: Any, outputs: dict[str, str]) -> list[str]:
    """moto's CloudFormation has no AWS::SQS::QueuePolicy: set the same statement on the queue."""
    sqs = session.client("sqs")
    url = outputs["IngestQueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy", "QueueArn"])["Attributes"]
    if attributes.get("Policy"):
        return []
    stage = outputs["IngestBucketName"].removeprefix("bhxh-").removesuffix("-ingest")
    statement = _template()["Resources"]["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                **statement,
                "Resource": attributes["QueueArn"],
                "Condition": {
                    "ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::bhxh-{stage}-ingest"},
                    "StringEquals": {"aws:SourceAccount": attributes["QueueArn"].split(":")[4]},
                },
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return [f"policy letting the bucket send to {url.rsplit('/', 1)[-1]}"]


def _apply_bucket_versioning(session: Any, outputs: dict[str, str]) -> list[str]:
    """moto's CloudFormation leaves the bucket unversioned: each upload must be its own version."""
    s3 = session.client("s3")
    bucket = outputs["IngestBucketName"]
    spec = _template()["Resources"]["IngestBucket"]["Properties"].get("VersioningConfiguration")
    if not spec or s3.get_bucket_versioning(Bucket=bucket).get("Status") == spec["Status"]:
        return []
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": spec["Status"]})
    return [f"versioning of {bucket}"]


def _apply_bucket_lifecycle(session: Any, outputs: dict[str, str]) -> list[str]:
    """The bucket's lifecycle rules (ingest's scratch, abandoned uploads), as the template says."""
    s3 = session.client("s3")
    bucket = outputs["IngestBucketName"]
    spec = _template()["Resources"]["IngestBucket"]["Properties"].get("LifecycleConfiguration")
    if not spec:
        return []
    try:
        if s3.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules"):
            return []
    except s3.exceptions.ClientError:
        pass  # none yet
    rules = []
    for rule in spec["Rules"]:
        out: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
        if "ExpirationInDays" in rule:
            out["Expiration"] = {"Days": rule["ExpirationInDays"]}
        if "NoncurrentVersionExpiration" in rule:
            days = rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
            out["NoncurrentVersionExpiration"] = {"NoncurrentDays": days}
        if "AbortIncompleteMultipartUpload" in rule:
            days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
        rules.append(out)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    return [f"lifecycle rules of {bucket}"]


def _apply_bucket_notification(session: Any, resources: dict[str, str], outputs: dict[str, str]) -> list[str]:
    s3 = session.client("s3")
    bucket = outputs["IngestBucketName"]
    if s3.get_bucket_notification_configuration(Bucket=bucket).get("QueueConfigurations"):
        return []
    sqs = session.client("sqs")
    queue_arn = sqs.get_queue_attributes(QueueUrl=outputs["IngestQueueUrl"], AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    specs = _template()["Resources"]["IngestBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": [spec["Event"]],
                    "Filter": {"Key": {"FilterRules": [dict(rule) for rule in spec["Filter"]["S3Key"]["Rules"]]}},
                }
                for spec in specs
            ]
        },
    )
    prefixes = ", ".join(rule["Value"] for spec in specs for rule in spec["Filter"]["S3Key"]["Rules"])
    return [f"notification of {bucket} ({prefixes}) to the ingest queue"]


def _apply_bucket_cors(session: Any, outputs: dict[str, str], origin: str) -> list[str]:
    """The console's presigned POST from the browser (the moto server also answers CORS itself)."""
    s3 = session.client("s3")
    bucket = outputs["IngestBucketName"]
    template = _template()
    rules = template["Resources"]["IngestBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    **{k: v for k, v in rule.items() if k != "MaxAge"},
                    "AllowedOrigins": [origin],
                    "MaxAgeSeconds": rule["MaxAge"],
                }
                for rule in rules
            ]
        },
    )
    return [f"CORS of {bucket}: POST from {origin}"]
