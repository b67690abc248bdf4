"""One OpenAPI document from two parts (web/openapi.py), and the layers' arrows: web/ imports neither
api/ nor agency/, and those two import each other nowhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from chalicelib.agency.openapi import PART as console
from chalicelib.api.openapi import PART as lookup
from chalicelib.web.openapi import Part, spec

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"


def _imports(package: str) -> set[str]:
    """Every module the package's files import, at their top or inside a function."""
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("web", ("chalicelib.api", "chalicelib.agency")),
        ("api", ("chalicelib.agency",)),
        ("agency", ("chalicelib.api",)),
    ],
)
def test_a_package_imports_nothing_of_the_packages_beside_or_above_it(package: str, forbidden: tuple[str, ...]) -> None:
    assert {name for name in _imports(package) if name.startswith(forbidden)} == set()


def test_the_two_parts_make_one_valid_document_with_the_shared_error_schema() -> None:
    document = spec(lookup, console)
    validate(document)
    assert "/v1/otp" in document["paths"] and "/v1/agency/files" in document["paths"]
    assert "Error" in document["components"]["schemas"]
    assert {"bearer", "staffIdToken"} <= set(document["components"]["securitySchemes"])


def test_every_route_that_reads_a_body_may_refuse_it_whole() -> None:
    document = spec(lookup, console)
    for item in document["paths"].values():
        for op in item.values():
            if "requestBody" in op:
                assert {"413", "415"} <= set(op["responses"]), op["summary"]


def test_a_path_two_parts_describe_is_refused() -> None:
    one = Part(paths={"/x": {"get": {"summary": "x", "responses": {"200": {"description": "ok"}}}}})
    other = Part(paths=dict(one.paths))
    with pytest.raises(ValueError, match="/x"):
        spec(one, other)
