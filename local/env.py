"""The local stage's environment: `.chalice/config.json` for the app, moto for every AWS call."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
REGION = "ap-southeast-1"


def chalice_config(stage: str = "local", function_name: str | None = None) -> Any:
    from chalice.config import Config

    return Config(
        chalice_stage=stage,
        function_name=function_name,
        config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()),
        default_params={"project_dir": str(ROOT), "api_gateway_stage": "api", "autogen_policy": True},
    )


def local_environment(moto_port: int, state_dir: Path) -> dict[str, str]:
    """What the process needs to talk to the moto server as AWS, with the local stage's settings."""
    env = {k: str(v) for k, v in chalice_config().environment_variables.items()}
    clock = env.get("BHXH_CLOCK_FILE")
    if clock and not os.path.isabs(clock):
        env["BHXH_CLOCK_FILE"] = str(state_dir / Path(clock).name)
    env.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
        MOTO_ACCOUNT_ID=ACCOUNT,
    )
    return env
