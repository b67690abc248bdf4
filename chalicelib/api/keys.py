"""The token signing key: a SecureString in SSM Parameter Store, read through Powertools Parameters
(cached for a few minutes), never in code or in the environment itself. The environment names it."""

from __future__ import annotations

import os

from aws_lambda_powertools.utilities import parameters

from chalicelib.aws.config import Settings

KEY_CACHE_S = 300


def key_parameter_name(settings: Settings) -> str:
    """`JWT_KEY_PARAMETER` when the stage sets it, else `/bhxh/<stage>/jwt-key`."""
    return os.environ.get("JWT_KEY_PARAMETER") or f"/bhxh/{settings.stage}/jwt-key"


def signing_key(settings: Settings) -> bytes:
    value = parameters.get_parameter(key_parameter_name(settings), decrypt=True, max_age=KEY_CACHE_S)
    if not value or len(str(value)) < 32:
        raise RuntimeError("the token signing key parameter is missing or shorter than 32 characters")
    return str(value).encode("utf-8")
