"""The packaged prod template, made once per test process in a directory of its own (two workers
packaging into one build directory at once would read each other's half-written files)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.package import load, package


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return load(package("prod", out=tmp_path_factory.mktemp("package") / "prod"))
