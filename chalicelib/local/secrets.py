"""The local stage's secrets, made fresh in moto at each start: what production keeps in SSM."""

from __future__ import annotations

import os
import secrets
from typing import Any

from chalicelib.api.keys import key_parameter_name
from chalicelib.aws.config import Settings


def create_jwt_key(session: Any, settings: Settings) -> str:
    """A random token signing key as a SecureString, under the name the stage reads; returns the name."""
    name = key_parameter_name(settings)
    session.client("ssm").put_parameter(Name=name, Value=secrets.token_urlsafe(48), Type="SecureString", Overwrite=True)
    return name


def create_dedupe_key(session: Any, stage: str) -> str:
    """The keyed hash's key for told markers (notify/retention.py), as production keeps it in SSM."""
    name = os.environ.get("DEDUPE_KEY_PARAMETER") or f"/bhxh/{stage}/dedupe-key"
    session.client("ssm").put_parameter(Name=name, Value=secrets.token_urlsafe(48), Type="SecureString", Overwrite=True)
    return name
