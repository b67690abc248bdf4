"""Each function's packaged policy, made real in the local moto: one IAM role per function, carrying
exactly the document `make package` puts on that function's role (`infra.package.function_policies`),
its CloudFormation references resolved against the stack the local moto holds (by moto's own
CloudFormation: local/stack/references.py), and assumed once.

Nothing here names a function: the functions are the app's (`app.handler_map`), their statements
are infra/access.yaml's. A function added to app.py and access.yaml gets its role by being there; a
function missing from access.yaml gets only the base policy (logs, traces) and fails on its first
AWS call, as it would in AWS.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalice.utils import to_cfn_resource_name

from local.env import ACCOUNT
from local.moto.iam import OPERATOR
from local.stack.references import StackReferences


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
        self._lock = threading.Lock()  # the pump's threads invoke a function's first calls at once

    def policy(self, function: str) -> dict[str, Any]:
        """The function's packaged document with the stack's names in it (only the base without one)."""
        document = self._policies.get(logical_id(function)) or self._base
        return self._references.resolve(json.loads(json.dumps(document)))

    def credentials(self, function: str) -> Credentials:
        with self._lock:
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
        try:
            role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        except iam.exceptions.EntityAlreadyExistsException:  # an earlier attempt's, its answer lost
            role = iam.get_role(RoleName=name)["Role"]
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=name, PolicyName="packaged", PolicyDocument=json.dumps(self.policy(function)))
        answer = self._references.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName=function[:64] or "fn")
        c = answer["Credentials"]
        return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def _base_policy() -> dict[str, Any]:
    from infra.package import ROOT

    return json.loads((ROOT / ".chalice" / "policy-base.json").read_text())
