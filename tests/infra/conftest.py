"""The packaged prod template, made once per test process in a directory of its own (two workers
packaging into one build directory at once would read each other's half-written files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.package import load, package


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make package STAGE=prod`'s output: sam.yaml and deployment.zip."""
    return package("prod", out=tmp_path_factory.mktemp("package") / "prod").parent


@pytest.fixture(scope="session")
def template(package_dir: Path) -> dict[str, Any]:
    return load(package_dir / "sam.yaml")
