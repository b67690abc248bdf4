"""Each function's packaged policy, made real in the local moto: one IAM role per function, carrying
exactly the document `make package` puts on that function's role (`infra.package.function_policies`),
its CloudFormation references resolved against the stack the local moto holds, and assumed once.

Nothing here names a function: the functions are the app's (`app.handler_map`), their statements
are infra/access.yaml's. A function added to app.py and access.yaml gets its role by being there; a
function missing from access.yaml gets only the base policy (logs, traces) and fails on its first
AWS call, as it would in AWS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalice.utils import to_cfn_resource_name

from local.env import ACCOUNT, REGION
from local.moto.iam import OPERATOR

_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


def logical_id(function: str) -> str:
    """The logical id `chalice package` gives a function of app.py (`release_held` → `ReleaseHeld`)."""
    return "APIHandler" if function == "api_handler" else to_cfn_resource_name(function)


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str

    def as_kwargs(self) -> dict[str, str]:
        """For boto3.session.Session(**…) and botocore clients."""
        return {
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
            "aws_session_token": self.token,
        }


class Unresolvable(LookupError):
    """A reference in access.yaml the local stack cannot resolve: say which, and where to teach it."""


class StackReferences:
    """`Ref`, `Fn::GetAtt` and `Fn::Sub` resolved against the stack created from infra/resources.yaml.

    Attributes are read per resource *type* (a table's `Arn` and `StreamArn`, a queue's `Arn`, …):
    a new resource of a known type needs nothing here. Resources the local stack does not hold
    (what `chalice package` itself adds: the functions, the REST API) resolve to an ARN no request
    carries, so a statement on them grants nothing locally, as nothing local calls them."""

    def __init__(self, session: Any, resources: Mapping[str, tuple[str, str]], parameters: Mapping[str, str]) -> None:
        self._session = session
        self._resources = resources  # logical id -> (type, physical id)
        self._pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            **parameters,
        }
        self._cache: dict[tuple[str, str], str] = {}
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service)
        return self._clients[service]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self._ref(value["Ref"])
        if set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            logical, attribute = target if isinstance(target, list) else target.split(".", 1)
            return self._attribute(logical, attribute)
        if set(value) == {"Fn::Sub"}:
            return self._sub(value["Fn::Sub"])
        if any(key.startswith("Fn::") for key in value):
            raise Unresolvable(f"{next(iter(value))} in infra/access.yaml: teach local/stack/access.py")
        return {key: self.resolve(v) for key, v in value.items()}

    def _sub(self, spec: Any) -> str:
        text, local = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in local:
                return str(self.resolve(local[name]))
            if "." in name and name.split(".", 1)[0] in self._resources:
                return self._attribute(*name.split(".", 1))
            return self._ref(name)

        return _SUB.sub(one, text)

    def _ref(self, name: str) -> str:
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self._resources:
            return self._resources[name][1]
        return f"arn:aws:local-unresolved:::{name}"

    def _attribute(self, logical: str, attribute: str) -> str:
        if logical not in self._resources:
            return f"arn:aws:local-unresolved:::{logical}.{attribute}"
        key = (logical, attribute)
        if key not in self._cache:
            kind, physical = self._resources[logical]
            reader = _ATTRIBUTES.get((kind, attribute))
            if reader is None:
                raise Unresolvable(
                    f"{kind} {attribute} (`!GetAtt {logical}.{attribute}` in infra/access.yaml): "
                    "add a reader for it to _ATTRIBUTES in local/stack/access.py"
                )
            self._cache[key] = reader(self, physical)
        return self._cache[key]


def _table(refs: StackReferences, name: str) -> dict[str, Any]:
    return refs.client("dynamodb").describe_table(TableName=name)["Table"]


_ATTRIBUTES: dict[tuple[str, str], Callable[[StackReferences, str], str]] = {
    ("AWS::DynamoDB::Table", "Arn"): lambda r, name: f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
    ("AWS::DynamoDB::Table", "StreamArn"): lambda s, name: _table(s, name)["LatestStreamArn"],
    ("AWS::SQS::Queue", "Arn"): lambda r, url: r.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"],
    ("AWS::SQS::Queue", "QueueName"): lambda s, url: url.rstrip("/").rsplit("/", 1)[-1],
    ("AWS::SQS::Queue", "QueueUrl"): lambda s, url: url,
    ("AWS::SNS::Topic", "TopicArn"): lambda s, arn: arn,
    ("AWS::SNS::Topic", "TopicName"): lambda s, arn: arn.rsplit(":", 1)[-1],
    ("AWS::S3::Bucket", "Arn"): lambda s, name: f"arn:aws:s3:::{name}",
    ("AWS::Logs::LogGroup", "Arn"): lambda s, name: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*",
    ("AWS::KMS::Key", "Arn"): lambda r, key_id: f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
    ("AWS::IAM::Role", "Arn"): lambda r, name: r.client("iam").get_role(RoleName=name)["Role"]["Arn"],
    ("AWS::Cognito::UserPool", "Arn"): lambda r, pool: r.client("cognito-idp").describe_user_pool(UserPoolId=pool)[
        "UserPool"
    ]["Arn"],
}


class FunctionAccess:
    """The credentials each function runs with locally: an assumed role per function, made on first
    use (a test that runs two functions makes two roles, not all of them)."""

    def __init__(
        self,
        session: Any,
        references: StackReferences,
        *,
        prefix: str,
        policies: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        from infra.package import function_policies

        self._session = session  # the operator's
        self._references = references
        self._prefix = prefix
        self._policies = dict(function_policies() if policies is None else policies)
        self._base = _base_policy()
        self._made: dict[str, Credentials] = {}

    def policy(self, function: str) -> dict[str, Any]:
        """The function's packaged document with the stack's names in it (only the base without one)."""
        document = self._policies.get(logical_id(function)) or self._base
        return self._references.resolve(json.loads(json.dumps(document)))

    def credentials(self, function: str) -> Credentials:
        if function not in self._made:
            self._made[function] = self._assume(function)
        return self._made[function]

    def _assume(self, function: str) -> Credentials:
        iam = self._references.client("iam")
        name = f"{self._prefix}-fn-{function}"[:64]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{OPERATOR}"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        iam.put_role_policy(RoleName=name, PolicyName="packaged", PolicyDocument=json.dumps(self.policy(function)))
        answer = self._references.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName=function[:64] or "fn")
        c = answer["Credentials"]
        return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def _base_policy() -> dict[str, Any]:
    from infra.package import ROOT

    return json.loads((ROOT / ".chalice" / "policy-base.json").read_text())
