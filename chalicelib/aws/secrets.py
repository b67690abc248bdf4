"""Keys kept as SSM SecureStrings, read through Powertools Parameters (cached a few minutes), never
in code, git or the environment itself: the environment only names the parameter (`Settings`)."""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.base import BaseProvider

KEY_CACHE_S = 300
MIN_KEY_CHARS = 32


class MissingKey(RuntimeError):
    """The parameter is absent or too short to be a key: a deployment step was skipped."""


def secure_key(parameter: str, provider: BaseProvider | None = None) -> bytes:
    """The key under `parameter`, as bytes; at least 32 characters, else MissingKey. `provider` reads it
    with its own client (a function's own credentials, locally); else Powertools' default provider."""
    if provider is None:
        value = parameters.get_parameter(parameter, decrypt=True, max_age=KEY_CACHE_S)
    else:
        value = provider.get(parameter, decrypt=True, max_age=KEY_CACHE_S)
    if not value or len(str(value)) < MIN_KEY_CHARS:
        raise MissingKey(f"SSM parameter {parameter} is missing or shorter than {MIN_KEY_CHARS} characters")
    return str(value).encode("utf-8")
