"""What every benchmark shares: in-process moto's environment, set before the app is imported."""

from __future__ import annotations

import os


def moto_env(**extra: str) -> None:
    """Fake credentials and the local stage; nothing may point at a real endpoint or profile."""
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "BHXH_CLOCK_FILE"):
        os.environ.pop(key, None)
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "AWS_REGION": "ap-southeast-1",
        "BHXH_STAGE": "local",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
    os.environ.update({**settings, **extra})
