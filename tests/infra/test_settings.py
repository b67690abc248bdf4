"""Every setting production needs is in the packaged prod template: each environment value `Settings`
reads is set for every function, and keys are SSM SecureStrings named there, readable by the
functions whose policy names them, never values in the template, the environment or git."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import fields
from typing import Any

import pytest

from chalicelib.aws.settings import Settings
from infra.package import ROOT

LAMBDA_SETS = {"AWS_REGION", "AWS_DEFAULT_REGION"}  # the Lambda runtime's own variables
SSM_ARN_PREFIX = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"


class Reads(Mapping[str, str]):
    """An empty environment that remembers every name it was asked for."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.names.add(name)
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        self.names.add(str(name))
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _read_by_settings() -> set[str]:
    env = Reads()
    Settings.from_env(env)
    return env.names


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}


def _environment(template: dict[str, Any], function: str) -> dict[str, Any]:
    """What SAM gives the function: the template's Globals, then its own variables over them."""
    globals_ = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    own = _functions(template)[function]["Properties"].get("Environment", {}).get("Variables", {})
    return {**globals_, **own}


def _statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    role = _functions(template)[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    return template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def _readable_parameters(template: dict[str, Any], function: str) -> set[str]:
    """The SSM parameter names (as `!Sub` text) the function's policy lets it GetParameter."""
    names = set()
    for statement in _statements(template, function):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if "ssm:GetParameter" in actions:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            names |= {r["Fn::Sub"].removeprefix(SSM_ARN_PREFIX) for r in resources}
    return names


def _sub(value: Any) -> str:
    return value["Fn::Sub"] if isinstance(value, dict) and "Fn::Sub" in value else str(value)


def test_settings_reads_names_it_can_be_checked_by() -> None:
    read = _read_by_settings()
    assert {"BHXH_STAGE", "SMS_PER_SECOND", "JWT_KEY_PARAMETER", "INBOUND_TOPIC_ARN"} <= read


def test_every_value_settings_reads_is_set_for_every_function_of_the_prod_template(template) -> None:
    needed = _read_by_settings() - LAMBDA_SETS
    for function in _functions(template):
        missing = needed - set(_environment(template, function))
        assert not missing, f"{function} would run on defaults for {sorted(missing)}: set them in the package"


def test_keys_are_named_as_ssm_parameters_never_given_as_values() -> None:
    key_fields = [f.name for f in fields(Settings) if "key" in f.name]
    assert key_fields and all(name.endswith("_key_parameter") for name in key_fields)
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    stages = [config["environment_variables"], *(s.get("environment_variables", {}) for s in config["stages"].values())]
    for env in stages:
        for name in env:
            assert "KEY" not in name or name.endswith("_KEY_PARAMETER"), f"{name} in .chalice/config.json (git)"


def test_each_key_parameter_is_a_stage_s_ssm_name_some_function_may_read(template) -> None:
    key_names = {n for n in _read_by_settings() if n.endswith("_KEY_PARAMETER")}
    assert key_names == {"JWT_KEY_PARAMETER", "OTP_KEY_PARAMETER", "DEDUPE_KEY_PARAMETER", "ID_HASH_KEY_PARAMETER"}
    readable = set().union(*(_readable_parameters(template, f) for f in _functions(template)))
    for function in _functions(template):
        env = _environment(template, function)
        for name in key_names:
            parameter = _sub(env[name])
            assert parameter.startswith("/bhxh/${Stage}/"), (function, name, parameter)
            assert parameter in readable, f"no function may read {parameter}"
    for name in ("Stage",):
        assert name in template["Parameters"]


@pytest.mark.parametrize("kind", ["key", "secret", "password", "token"])
def test_no_function_is_given_a_secret_as_a_plain_value(template, kind: str) -> None:
    for function in _functions(template):
        for name, value in _environment(template, function).items():
            if kind in name.lower():
                assert name.endswith("_PARAMETER") and _sub(value).startswith("/bhxh/"), (function, name)


def test_a_function_may_read_only_the_parameters_its_environment_names(template) -> None:
    for function in _functions(template):
        named = {_sub(v) for k, v in _environment(template, function).items() if k.endswith("_PARAMETER")}
        assert _readable_parameters(template, function) <= named, function
