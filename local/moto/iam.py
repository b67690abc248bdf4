"""moto with IAM enforced the way AWS enforces it, for the local stack and the tests.

moto checks a request's credentials and policies only when asked (in-process:
`moto.core.enable_iam_authentication()`; its server: `INITIAL_NO_AUTH_ACTION_COUNT`), and only for
keys it issued. Two things are added here, both development-only:

- **The operator.** An IAM user whose access key is `testing`/`testing` with every permission: the
  credentials CONTRACT gives for `make run`, used by whoever is not a function (the stack's set-up,
  an agency uploading by hand, the tests' own data, the pump's SNS plumbing).
- **The resources moto does not see.** moto authorises most calls against the resource `*`, so a
  statement naming a table, an index, a stream, a parameter or a topic (as every statement in
  `infra/access.yaml` does) would never match and everything would be refused. `install()` makes it
  check each call against the ARNs the call names, as IAM does: every table of a batch, the index
  of a query, the stream of a shard iterator, the parameter by name, the topic. S3 and SQS, which
  moto already resolves, are left to it. Conditions other than `StringEquals` are not evaluated by
  moto (they pass): `s3:prefix` on ListBucket is one. Presigned S3 URLs and POSTs (the console's
  uploads and links) are authorised with their signer's policies, which moto's authoriser does not do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

OPERATOR = "local-operator"
OPERATOR_KEY = "testing"  # CONTRACT's credentials for the local stack
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

Resolver = Callable[[str, dict[str, Any], str, str], "list[str] | None"]
TOKEN_AUTHORISED = [  # Cognito's operations a user calls with a session or access token, unsigned
    f"AWSCognitoIdentityProviderService.{name}"
    for name in (
        "RespondToAuthChallenge",
        "ChangePassword",
        "ConfirmForgotPassword",
        "ResendConfirmationCode",
        "GlobalSignOut",
        "RevokeToken",
        "UpdateUserAttributes",
        "VerifyUserAttribute",
        "GetUserAttributeVerificationCode",
        "DeleteUser",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    )
]


def create_operator(account_id: str) -> str:
    """The operator user, straight in moto's IAM backend (no request, so no authorisation needed);
    its key is `testing`/`testing`. Returns its ARN."""
    from moto.iam.models import iam_backends

    backend = iam_backends[account_id]["aws"]
    user = backend.create_user(region_name="us-east-1", user_name=OPERATOR)
    backend.put_user_policy(OPERATOR, "everything", json.dumps(EVERYTHING))
    key = backend.create_access_key(OPERATOR)
    key.access_key_id = OPERATOR_KEY
    key.secret_access_key = OPERATOR_KEY
    return user.arn


def install() -> None:
    """Teach moto's authoriser the resources of each call (idempotent; affects this process)."""
    from moto.core.authorization import ActionAuthenticatorMixin

    current = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
    if getattr(current, "resource_aware", False):
        return
    for operation in TOKEN_AUTHORISED:  # as in AWS: no SigV4, the user's own token says who it is
        if operation not in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
            ActionAuthenticatorMixin.PUBLIC_OPERATIONS.append(operation)

    def authorise(self: Any, resource: str = "*") -> None:
        if self.method == "OPTIONS":
            return  # a browser's CORS preflight: never signed, never authorised, in AWS either
        public = self.headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS
        if not public and "Authorization" not in self.headers and _enforced():
            from moto.core.exceptions import InvalidClientTokenIdError

            raise InvalidClientTokenIdError()  # unsigned: a 403, where moto would fail with a 500
        resources = _resources_of(self) if resource == "*" else None
        single = _AUTHORISED_AS.get((type(self).__module__.split(".")[1], self._get_action()))
        if single is not None:  # authorised as AWS does, by its single form (moto asks for the batch's)
            self._get_action = lambda: single
        try:
            for each in resources or [resource]:
                current(self, each)
        finally:
            if single is not None:
                del self._get_action

    authorise.resource_aware = True  # type: ignore[attr-defined]
    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authorise  # type: ignore[method-assign]

    s3_current = ActionAuthenticatorMixin._authenticate_and_authorize_s3_action

    def authorise_s3(self: Any, bucket_name: str | None = None, key_name: str | None = None) -> None:
        if self.method == "OPTIONS":
            return  # CORS preflight of a browser's upload
        signed_in = _signed_in_query_or_form(self)
        if "Authorization" in self.headers or not _enforced():
            s3_current(self, bucket_name, key_name)
        elif signed_in is not None:
            _authorise_presigned(self, signed_in, bucket_name, key_name)
        else:
            from moto.s3.exceptions import S3AccessDeniedError

            raise S3AccessDeniedError()  # unsigned: S3's 403, where moto would fail with a 500

    ActionAuthenticatorMixin._authenticate_and_authorize_s3_action = authorise_s3  # type: ignore[method-assign]


# Calls IAM authorises as another action (AWS: "permissions for SendMessageBatch are those of
# SendMessage", and so on); moto would ask for an action no policy can name.
_AUTHORISED_AS = {
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
}


def _enforced() -> bool:
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def _signed_in_query_or_form(response: Any) -> dict[str, str] | None:
    """The fields of a presigned URL (query) or a presigned POST (form), lower-cased, when
    the request carries them instead of an Authorization header; moto's authoriser reads only that
    header (and fails on its absence), so these are authorised here."""
    fields = {k.lower(): v[0] if isinstance(v, list) else v for k, v in (response.querystring or {}).items()}
    if "x-amz-credential" in fields:  # SigV4
        fields["access-key"] = fields["x-amz-credential"].split("/")[0]
    elif "awsaccesskeyid" in fields:  # SigV2, which boto3 still uses for a POST unless told s3v4
        fields["access-key"] = fields["awsaccesskeyid"]
    else:
        return None
    return fields


def _authorise_presigned(response: Any, fields: dict[str, str], bucket: str | None, key: str | None) -> None:
    """A presigned S3 request acts with the rights of whoever signed it, as in S3: the signer's key
    must be one moto issued and its policies must allow the action on the object. (The signature
    itself is not recomputed: it is not what this stack is checking.)"""
    from moto.iam.access_control import CreateAccessKeyFailure, IAMPolicy, PermissionResult, create_access_key
    from moto.s3.exceptions import S3AccessDeniedError

    headers = {"X-Amz-Security-Token": fields["x-amz-security-token"]} if "x-amz-security-token" in fields else {}
    try:
        signer = create_access_key(response.current_account, "aws", fields["access-key"], headers)
    except CreateAccessKeyFailure:
        raise S3AccessDeniedError() from None
    if response.method == "POST" and "key" in fields:  # a browser's form upload: the key is a field
        action, key = "s3:PutObject", fields["key"]
    else:
        action = f"s3:{response._get_action()}"
    resource = f"arn:aws:s3:::{bucket}/{key}" if key else f"arn:aws:s3:::{bucket}"
    permitted = False
    for policy in signer.collect_policies():
        result = IAMPolicy(policy).is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            raise S3AccessDeniedError()
        permitted |= result == PermissionResult.PERMITTED
    if not permitted:
        raise S3AccessDeniedError()


def _resources_of(response: Any) -> list[str] | None:
    """The ARNs a moto request acts on, or None to leave moto's `*`."""
    if "Credential=" not in (response.headers.get("Authorization") or ""):
        return None  # unsigned: moto refuses it on its own
    resolver = _RESOLVERS.get(type(response).__module__.split(".")[1])  # moto.<service>.responses
    if resolver is None:
        return None
    return resolver(response._get_action(), _params(response), response.region, response.current_account)


def _params(response: Any) -> dict[str, Any]:
    """The request's parameters: the JSON body, or the query/form values (first of each)."""
    body = response.body
    if isinstance(body, dict):  # moto's DynamoDB hands its handlers the parsed parameters as `body`
        return body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.lstrip().startswith("{"):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    return {k: v[0] if isinstance(v, list) and v else v for k, v in (response.querystring or {}).items()}


def _table_arn(name: str, region: str, account: str) -> str:
    return name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def _dynamodb(action: str, p: dict[str, Any], region: str, account: str) -> list[str] | None:
    if isinstance(p.get("TableName"), str):
        table = _table_arn(p["TableName"], region, account)
        return [f"{table}/index/{p['IndexName']}" if p.get("IndexName") else table]
    if isinstance(p.get("RequestItems"), dict):  # BatchGetItem, BatchWriteItem: every table named
        return sorted(_table_arn(t, region, account) for t in p["RequestItems"])
    if isinstance(p.get("TransactItems"), list):
        names = {
            op.get("TableName")
            for item in p["TransactItems"]
            if isinstance(item, dict)
            for op in item.values()
            if isinstance(op, dict)
        }
        return sorted(_table_arn(n, region, account) for n in names if isinstance(n, str)) or None
    if isinstance(p.get("ResourceArn"), str):
        return [p["ResourceArn"]]
    return None


def _dynamodb_streams(action: str, p: dict[str, Any], region: str, account: str) -> list[str] | None:
    if isinstance(p.get("StreamArn"), str):
        return [p["StreamArn"]]
    if isinstance(p.get("ShardIterator"), str):  # moto's iterators begin with their stream's ARN
        return [p["ShardIterator"].split("|", 1)[0]]
    return None


def _ssm(action: str, p: dict[str, Any], region: str, account: str) -> list[str] | None:
    names = [p["Name"]] if isinstance(p.get("Name"), str) else p.get("Names") or None
    if names is None and isinstance(p.get("Path"), str):
        names = [p["Path"]]
    if not names:
        return None
    return [f"arn:aws:ssm:{region}:{account}:parameter/{str(n).lstrip('/')}" for n in names]


def _sns(action: str, p: dict[str, Any], region: str, account: str) -> list[str] | None:
    for key in ("TopicArn", "TargetArn", "ResourceArn"):
        if isinstance(p.get(key), str) and p[key]:
            return [p[key]]
    if isinstance(p.get("SubscriptionArn"), str) and p["SubscriptionArn"].count(":") >= 6:
        return [p["SubscriptionArn"].rsplit(":", 1)[0]]  # a subscription acts on its topic
    return None  # Publish to a phone number, opt-out checks: phone numbers have no ARN


def _sqs(action: str, p: dict[str, Any], region: str, account: str) -> list[str] | None:
    if isinstance(p.get("QueueName"), str):  # GetQueueUrl, CreateQueue: moto resolves only QueueUrl
        return [f"arn:aws:sqs:{region}:{account}:{p['QueueName']}"]
    return None


def _cognito(action: str, p: dict[str, Any], region: str, account: str) -> list[str] | None:
    if isinstance(p.get("UserPoolId"), str):
        return [f"arn:aws:cognito-idp:{region}:{account}:userpool/{p['UserPoolId']}"]
    return None


# by moto's package (streams calls are signed as `dynamodb`, so the signature cannot tell them apart)
_RESOLVERS: dict[str, Resolver] = {
    "dynamodb": _dynamodb,
    "dynamodbstreams": _dynamodb_streams,
    "ssm": _ssm,
    "sns": _sns,
    "sqs": _sqs,
    "cognitoidp": _cognito,
}
