"""The store sits on `domain/` and `aws/` alone: no arrow up to the flows that use it (issue 23)."""

from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "chalicelib" / "store"
ALLOWED = ("chalicelib.domain", "chalicelib.aws", "chalicelib.store")


def _chalicelib_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("chalicelib")}


def test_no_store_module_imports_a_package_above_it_even_for_type_checking() -> None:
    above = {
        f"{path.name}: {name}"
        for path in sorted(STORE.glob("*.py"))
        for name in _chalicelib_imports(path)
        if not name.startswith(ALLOWED)
    }
    assert above == set()
