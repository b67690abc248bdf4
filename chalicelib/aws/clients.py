"""boto3 clients made on first use, so importing the app never touches AWS."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

_RETRIES = Config(retries={"max_attempts": 8, "mode": "adaptive"})
_NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})  # the sender retries itself
_BATCH = Config(retries={"max_attempts": 8, "mode": "standard"}, parameter_validation=False)


_shared: list[boto3.session.Session] = []
_lock = threading.Lock()


def make_client(
    service: str, region: str, config: Config | None = None, credentials: Mapping[str, str] | None = None
) -> Any:
    """A client from the process's one boto3 session, so each service's model is read from disk once
    (a session per client reads it again). `credentials` are the client's own (the local stack runs
    each function under its own role in one process); else the environment's. Made under a lock: a
    boto3 session is not safe to make clients from in two threads at once."""
    with _lock:
        if not _shared:
            _shared.append(boto3.session.Session())
        return _shared[0].client(service, region_name=region, config=config, **dict(credentials or {}))


class Clients:
    """One per process (per function, locally); `AWS_ENDPOINT_URL` (the local stack, tests)
    redirects every client."""

    def __init__(self, region: str, credentials: Mapping[str, str] | None = None) -> None:
        self._region = region
        self._credentials = dict(credentials or {})  # the local stack's per-function role; else none

    def _make(self, service: str, config: Config = _RETRIES) -> Any:
        return make_client(service, self._region, config, self._credentials)

    @cached_property
    def s3(self) -> Any:
        return self._make("s3")

    @cached_property
    def s3_presign(self) -> Any:
        """S3 for presigned POSTs (the console's uploads): Signature Version 4, as S3 requires."""
        return self._make("s3", Config(signature_version="s3v4", retries={"max_attempts": 8, "mode": "adaptive"}))

    @cached_property
    def cognito(self) -> Any:
        """The staff pool's API: the console's session checks (GetUser, authorised by the token)."""
        return self._make("cognito-idp")

    @cached_property
    def sns(self) -> Any:
        return self._make("sns")

    @cached_property
    def sqs(self) -> Any:
        return self._make("sqs")

    @cached_property
    def ssm(self) -> Any:
        return self._make("ssm")

    @cached_property
    def sms(self) -> Any:
        """SNS for sending SMS: no botocore retries, notify/retry.py owns them (and says why)."""
        return self._make("sns", _NO_RETRIES)

    @cached_property
    def dynamodb(self) -> Any:
        """For batch calls built by code (the ingest writer, group look-ups): botocore's parameter
        validation (an eighth of the CPU of a batch in profiles) is skipped."""
        return self._make("dynamodb", _BATCH)
