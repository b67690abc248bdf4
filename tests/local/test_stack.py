"""The local stack as `make run` creates it."""

from __future__ import annotations

from moto import mock_aws

from local.stack.resources import LocalStack, create_stack
from tests.conftest import _operator


def test_the_bucket_lets_the_console_upload_from_the_port_the_api_is_served_on(aws_env: None) -> None:
    with mock_aws(config={"core": {"mock_credentials": False}}):  # keep the operator's `testing` key
        stack = create_stack(_operator(), console_origin="http://127.0.0.1:8611")
        rules = _operator().client("s3").get_bucket_cors(Bucket=stack.bucket)["CORSRules"]
    assert {origin for rule in rules for origin in rule["AllowedOrigins"]} == {"http://127.0.0.1:8611"}


def test_the_bucket_keeps_the_templates_console_origin_when_none_is_named(stack: LocalStack) -> None:
    rules = _operator().client("s3").get_bucket_cors(Bucket=stack.bucket)["CORSRules"]
    assert {origin for rule in rules for origin in rule["AllowedOrigins"]} == {"http://127.0.0.1:8000"}
