"""`python -m local.moto_server -H 127.0.0.1 -p 5000`: the local stack's AWS, moto's server with a
few changes of its own.

IAM is enforced from its first request. Every request must carry keys moto issued: the operator's
`testing` (every permission: the stack's set-up, an agency uploading by hand, `make clock`, `make
report`) or a function's assumed role (local/functions.py), which carries exactly its packaged policy.

It remembers for `/moto-api/data.json` only SNS's models. moto keeps every model it ever made (every
DynamoDB item, every S3 key and multipart part) in a registry that `data.json` walks whole, and the
pump reads SNS's recorded SMS from it after each pass. With a province's file in the stack that walk
takes minutes, holds every item twice in memory, and fails outright (500) once a multipart upload's
parts are in it (a part's `status` raises). The local stack asks `data.json` only for SNS, and of
SNS's SMS it keeps only the latest `KEEP_SMS`: the pump reads them every second, and the lanes' bench
sends 20,000 (whose walk, each second, would grow with every SMS).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from local.env import ACCOUNT

KEEP_SMS = 1_000  # the pump reads them every second: far more than it can miss


class Latest(list):  # type: ignore[type-arg]
    """A list that keeps only its last KEEP_SMS items. A list, not a deque: data.json iterates it
    while the sender appends, which a list tolerates and a deque refuses."""

    def append(self, item: Any) -> None:
        super().append(item)
        if len(self) > KEEP_SMS:
            del self[: len(self) - KEEP_SMS]


def remember_only_sns() -> None:
    from moto.core import common_models
    from moto.sns.models import SMS

    SMS.instances_tracked = Latest()  # type: ignore[attr-defined]

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        instance = object.__new__(cls)
        if cls.__module__.startswith("moto.sns."):
            cls.instances_tracked.append(instance)  # type: ignore[attr-defined]
        return instance

    common_models.BaseModel.__new__ = __new__  # type: ignore[method-assign, assignment]


def sign_out_in_any_region() -> None:
    """moto 5.2.5 looks up `GlobalSignOut`'s access token in the request's region only, and a
    browser's unsigned call to this server names none (moto takes us-east-1): look it up in every
    region, as moto's own `InitiateAuth`, `GetUser` and the MFA calls already do. In AWS the
    endpoint is regional, so the console's sign-out needs nothing of the kind."""
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import EmptyResult

    def global_sign_out(self: Any) -> EmptyResult:
        token = self._get_param("AccessToken")
        self._get_region_agnostic_backend()._find_backend_by_access_token(token).global_sign_out(token)
        return EmptyResult()

    CognitoIdpResponse.global_sign_out = global_sign_out  # type: ignore[method-assign, assignment]


def main(argv: list[str]) -> None:
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # read by moto.settings at import: enforce at once
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # staff TOTP codes checked, not waved through
    remember_only_sns()
    sign_out_in_any_region()
    from moto import server

    from local import botocore_models, moto_iam

    botocore_models.share()
    moto_iam.install()
    moto_iam.create_operator(os.environ.get("MOTO_ACCOUNT_ID", ACCOUNT))
    server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
