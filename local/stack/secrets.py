"""The local stage's keys, made fresh in moto at each start: what production keeps in SSM as
SecureStrings (docs/deploy.md), under the names the stage's `Settings` read."""

from __future__ import annotations

import secrets
from typing import Any

from chalicelib.aws.settings import Settings


def create_keys(session: Any, settings: Settings) -> list[str]:
    """A random JWT signing key, OTP key, dedupe key and ID hash key; returns the parameters' names."""
    ssm = session.client("ssm")
    names = [settings.jwt_key_parameter, settings.otp_key_parameter, settings.dedupe_key_parameter]
    names.append(settings.id_hash_key_parameter)
    for name in names:
        ssm.put_parameter(Name=name, Value=secrets.token_urlsafe(48), Type="SecureString", Overwrite=True)
    return names
