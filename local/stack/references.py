"""The CloudFormation references of the packaged policies (`Ref`, `Fn::GetAtt`, `Fn::Sub` in
infra/access.yaml), resolved against the stack the local moto holds, by moto's own CloudFormation.

`create_stack` adds to its copy of infra/resources.yaml one output per reference the policies make
(`reference_outputs`), and moto answers each with the value its CloudFormation resolved, as
CloudFormation resolves them in the deployed stack. What moto's CloudFormation cannot resolve is
resolved here by hand, each for a named reason:

- resources `chalice package` adds (the functions, the REST API) are not in infra/resources.yaml:
  they resolve to an ARN no request carries, so a statement on them grants nothing locally, as
  nothing local calls them;
- resources moto's CloudFormation does not make (`MOTO_CFN_LACKS`, which the stack applies through
  the API: local/stack/resources.py): their `Ref` is the physical id the stack recorded, and their
  attributes are read from the service (`_BY_HAND`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

FUNCTIONS = ("Ref", "Fn::GetAtt", "Fn::Sub")
OUTPUT = "LocalReference"  # the outputs added to the local copy of the template, numbered
# moto 5.2's CloudFormation has no model of these (it warns and skips them); a test holds this
# list against moto's own (tests/local/test_references.py), so an upgrade that adds one says so
MOTO_CFN_LACKS = frozenset(
    {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolGroup", "AWS::SQS::QueuePolicy"}
)
PSEUDO = ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::URLSuffix")
_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


class Unresolvable(LookupError):
    """A reference in access.yaml the local stack cannot resolve: say which, and where to teach it."""


def key(reference: Mapping[str, Any]) -> str:
    """One text per reference, whatever its spelling in YAML (`A.B` or `[A, B]`)."""
    if set(reference) == {"Fn::GetAtt"} and isinstance(reference["Fn::GetAtt"], str):
        reference = {"Fn::GetAtt": reference["Fn::GetAtt"].split(".", 1)}
    return json.dumps(reference, sort_keys=True, separators=(",", ":"))


def references_in(document: Any) -> list[dict[str, Any]]:
    """Every reference in a policy document, and each one a `Fn::Sub` names (`${Table.Arn}`)."""
    found: list[dict[str, Any]] = []
    if isinstance(document, list):
        for item in document:
            found += references_in(item)
    elif isinstance(document, dict) and len(document) == 1 and next(iter(document)) in FUNCTIONS:
        found.append(document)
        if "Fn::Sub" in document:
            spec = document["Fn::Sub"]
            text, own = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])
            found += [_piece(name) for name in _SUB.findall(text) if name not in own]
    elif isinstance(document, dict):
        for value in document.values():
            found += references_in(value)
    return found


def _piece(name: str) -> dict[str, Any]:
    return {"Fn::GetAtt": name.split(".", 1)} if "." in name else {"Ref": name}


def _names(reference: Mapping[str, Any]) -> set[str]:
    """The resources and parameters a reference names."""
    if "Ref" in reference:
        return {reference["Ref"]}
    if "Fn::GetAtt" in reference:
        target = reference["Fn::GetAtt"]
        return {(target.split(".", 1) if isinstance(target, str) else target)[0]}
    spec = reference["Fn::Sub"]
    text, own = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])
    return {name.split(".", 1)[0] for name in _SUB.findall(text) if name not in own}


def reference_outputs(template: Mapping[str, Any], documents: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Outputs for the template's copy: one per reference of `documents` moto's CloudFormation can
    resolve (every name it uses a parameter, a pseudo parameter or a resource moto makes)."""
    resources = template.get("Resources", {})
    parameters = set(template.get("Parameters", {})) | set(PSEUDO)
    made = {
        logical
        for logical, spec in resources.items()
        if spec["Type"] not in MOTO_CFN_LACKS and "Condition" not in spec  # a condition may leave it out
    }
    unique = {key(r): r for document in documents for r in references_in(document)}
    wanted = [r for r in unique.values() if _names(r) <= parameters | made]
    return {f"{OUTPUT}{n}": {"Value": reference} for n, reference in enumerate(wanted)}


def resolved_outputs(added: Mapping[str, Mapping[str, Any]], outputs: Mapping[str, str]) -> dict[str, str]:
    """What moto answered for the added outputs, by reference (`key`); one it left unresolved is left out."""
    answers = {}
    for name, output in added.items():
        value = outputs.get(name)
        if value and "Fn::" not in value and "${" not in value:
            answers[key(output["Value"])] = value
    return answers


class StackReferences:
    """Resolves a policy document's references: moto's CloudFormation's answers (`resolved`, from the
    stack's outputs) first; what it could not answer, by hand (this module's docstring)."""

    def __init__(
        self,
        session: Any,
        resources: Mapping[str, tuple[str, str]],
        parameters: Mapping[str, str],
        resolved: Mapping[str, str],
    ) -> None:
        self._session = session
        self._resources = resources  # logical id -> (type, physical id)
        self._parameters = parameters
        self._resolved = resolved  # key(reference) -> what moto's CloudFormation made of it
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service)
        return self._clients[service]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1 and next(iter(value)) in FUNCTIONS:
            known = self._resolved.get(key(value))
            return known if known is not None else self._by_hand(value)
        if any(k.startswith("Fn::") for k in value):
            raise Unresolvable(f"{next(iter(value))} in infra/access.yaml: teach local/stack/references.py")
        return {k: self.resolve(v) for k, v in value.items()}

    def _by_hand(self, reference: Mapping[str, Any]) -> str:
        if "Ref" in reference:
            name = reference["Ref"]
            if name in self._parameters:
                return self._parameters[name]
            if name in self._resources:
                return self._resources[name][1]  # a resource moto's CloudFormation skipped: its id
            return f"arn:aws:local-unresolved:::{name}"
        if "Fn::GetAtt" in reference:
            target = reference["Fn::GetAtt"]
            logical, attribute = target.split(".", 1) if isinstance(target, str) else target
            return self._attribute(logical, attribute)
        spec = reference["Fn::Sub"]
        text, own = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(self.resolve(own[name] if name in own else _piece(name)))

        return _SUB.sub(one, text)

    def _attribute(self, logical: str, attribute: str) -> str:
        if logical not in self._resources:
            return f"arn:aws:local-unresolved:::{logical}.{attribute}"
        kind, physical = self._resources[logical]
        reader = _BY_HAND.get((kind, attribute))
        if reader is None:
            raise Unresolvable(
                f"{kind} {attribute} (`!GetAtt {logical}.{attribute}` in infra/access.yaml): moto's CloudFormation "
                "did not resolve it; add a reader to _BY_HAND in local/stack/references.py, naming moto's gap"
            )
        return reader(self, physical)


# moto's CloudFormation makes no Cognito pool (MOTO_CFN_LACKS): its ARN is read from Cognito itself
_BY_HAND: dict[tuple[str, str], Callable[[StackReferences, str], str]] = {
    ("AWS::Cognito::UserPool", "Arn"): lambda r, pool: r.client("cognito-idp").describe_user_pool(UserPoolId=pool)[
        "UserPool"
    ]["Arn"],
}
