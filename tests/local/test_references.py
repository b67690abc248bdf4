"""The packaged policies' CloudFormation references, resolved by moto's own CloudFormation where it
can (local/stack/references.py), and by hand only where it cannot, for a named reason."""

from __future__ import annotations

from typing import Any

import pytest
from moto.cloudformation.parsing import get_model_map

from infra.package import ROOT, load
from local.stack.references import (
    MOTO_CFN_LACKS,
    OUTPUT,
    StackReferences,
    Unresolvable,
    key,
    references_in,
)
from local.stack.resources import LocalStack
from tests.conftest import _operator


def _no_aws(stack: LocalStack) -> StackReferences:
    """References that can ask no service anything: only moto's CloudFormation's answers are there."""
    return StackReferences(None, stack.resources, {"Stage": stack.stage}, stack.references)


def test_every_reference_of_the_packaged_policies_is_answered_by_moto_s_cloudformation(
    stack: LocalStack, packaged_policies: dict[str, Any]
) -> None:
    asked = {key(r) for document in packaged_policies.values() for r in references_in(document)}
    assert asked <= set(stack.references)
    resolved = str([_no_aws(stack).resolve(document) for document in packaged_policies.values()])
    assert "Fn::" not in resolved and "${" not in resolved and "local-unresolved" not in resolved


def test_moto_s_answers_are_the_stack_s_own_names(stack: LocalStack) -> None:
    refs = _no_aws(stack)
    assert refs.resolve({"Fn::GetAtt": ["LedgerTable", "StreamArn"]}) == stack.outputs["LedgerStreamArn"]
    assert refs.resolve({"Fn::GetAtt": "LedgerTable.StreamArn"}) == stack.outputs["LedgerStreamArn"]
    assert refs.resolve({"Fn::Sub": "${IngestBucket.Arn}/incoming/*"}) == f"arn:aws:s3:::{stack.bucket}/incoming/*"
    ssm = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/bhxh/${Stage}/jwt-key"
    assert refs.resolve({"Fn::Sub": ssm}) == "arn:aws:ssm:ap-southeast-1:123456789012:parameter/bhxh/local/jwt-key"


def test_the_outputs_asked_for_the_references_stay_out_of_the_stack_s_outputs(stack: LocalStack) -> None:
    assert stack.references
    assert not [name for name in stack.outputs if name.startswith(OUTPUT)]


def test_a_sub_not_in_the_packaged_policies_is_made_of_moto_s_answers_for_its_pieces(stack: LocalStack) -> None:
    table = stack.references[key({"Fn::GetAtt": ["PeopleTable", "Arn"]})]
    assert _no_aws(stack).resolve({"Fn::Sub": "${PeopleTable.Arn}/index/elsewhere"}) == f"{table}/index/elsewhere"


def test_the_types_moto_s_cloudformation_lacks_are_exactly_the_ones_it_skips() -> None:
    """When an upgrade of moto makes one of them, this fails: drop its hand resolution and API apply."""
    types = {spec["Type"] for spec in load(ROOT / "infra" / "resources.yaml")["Resources"].values()}
    assert {kind for kind in types if kind not in get_model_map()} == MOTO_CFN_LACKS


def test_what_moto_cannot_resolve_is_resolved_by_hand_for_its_named_reason(stack: LocalStack) -> None:
    refs = StackReferences(_operator(), stack.resources, {"Stage": stack.stage}, stack.references)
    pool = stack.outputs["StaffUserPoolId"]  # moto's CloudFormation makes no Cognito pool: the API did
    arn = _operator().client("cognito-idp").describe_user_pool(UserPoolId=pool)["UserPool"]["Arn"]
    assert refs.resolve({"Fn::GetAtt": ["StaffUserPool", "Arn"]}) == arn
    assert refs.resolve({"Ref": "StaffUserPool"}) == pool
    # what `chalice package` adds is not in the template: an ARN no request carries
    assert refs.resolve({"Fn::GetAtt": ["RestAPI", "Arn"]}) == "arn:aws:local-unresolved:::RestAPI.Arn"
    with pytest.raises(Unresolvable, match=r"StaffConsoleClient\.ClientSecret"):
        refs.resolve({"Fn::GetAtt": ["StaffConsoleClient", "ClientSecret"]})
