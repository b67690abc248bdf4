"""boto3 clients made on first use, so importing the app never touches AWS."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

_RETRIES = Config(retries={"max_attempts": 8, "mode": "adaptive"})
_NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})  # the sender retries itself
_BATCH = Config(retries={"max_attempts": 8, "mode": "standard"}, parameter_validation=False)


class Clients:
    """One per process; `AWS_ENDPOINT_URL` (the local stack, tests) redirects every client."""

    def __init__(self, region: str) -> None:
        self._region = region

    def _make(self, service: str, config: Config = _RETRIES) -> Any:
        return boto3.session.Session().client(service, region_name=self._region, config=config)

    @cached_property
    def s3(self) -> Any:
        return self._make("s3")

    @cached_property
    def s3_presign(self) -> Any:
        """S3 for presigned POSTs (the console's uploads): Signature Version 4, as S3 requires."""
        return self._make("s3", Config(signature_version="s3v4", retries={"max_attempts": 8, "mode": "adaptive"}))

    @cached_property
    def sns(self) -> Any:
        return self._make("sns")

    @cached_property
    def sqs(self) -> Any:
        return self._make("sqs")

    @cached_property
    def sms(self) -> Any:
        """SNS for sending SMS: no botocore retries, notify/retry.py owns them (and says why)."""
        return self._make("sns", _NO_RETRIES)

    @cached_property
    def dynamodb(self) -> Any:
        """For batch calls built by code (the ingest writer, group look-ups): botocore's parameter
        validation (an eighth of the CPU of a batch in profiles) is skipped."""
        return self._make("dynamodb", _BATCH)
