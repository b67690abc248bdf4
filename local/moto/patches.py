"""Every change this project makes to moto and botocore, applied from one place, once per process.

Development only (the Lambda zip has none of it). Three sets, each applied at most once:

- botocore, in every process that makes many sessions (`make run`'s, the moto server's, the
  tests'): one model loader (local/moto/botocore_models.py);
- moto, where moto answers (its server, and in-process moto in the tests; not `make run`'s own
  process, which talks to the server over HTTP: `moto=False`): IAM checked against the resources
  each call names (local/moto/iam.py), Cognito's sign-out found in any region;
- the moto server alone (`server=True`): `/moto-api/data.json` remembers only SNS's models,
  and of its SMS only the latest `KEEP_SMS`. moto keeps every model it ever made (every DynamoDB
  item, every S3 key and multipart part) in a registry that `data.json` walks whole, and the pump
  reads SNS's recorded SMS from it each second: with a province's file in the stack that walk takes
  minutes, holds every item twice and fails (500) once a multipart part is in it. In-process moto
  (the tests) keeps its registry: its reset closes the S3 keys it tracks.

The fault mode (local/moto/faults.py) is a patch too, but one a run asks for (`BHXH_FAULTS`): it is
installed by `faults.from_env`, also once.
"""

from __future__ import annotations

import threading
from typing import Any

from local.moto import botocore_models, iam

KEEP_SMS = 1_000  # the pump reads them every second: far more than it can miss

_lock = threading.Lock()
_applied: set[str] = set()


def apply(*, moto: bool = True, server: bool = False) -> None:
    """Apply the patches this process needs; what a call before (any thread) applied, stays once."""
    wanted = {"botocore": True, "moto": moto or server, "server": server}
    steps = {
        "botocore": [botocore_models.share],
        "moto": [iam.install, sign_out_in_any_region],
        "server": [remember_only_sns],
    }
    with _lock:
        for name, want in wanted.items():
            if want and name not in _applied:
                for step in steps[name]:
                    step()
                _applied.add(name)


def applied() -> frozenset[str]:
    """Which sets this process has ("botocore", "moto", "server")."""
    return frozenset(_applied)


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
