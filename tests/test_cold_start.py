"""What a function imports before its first event (bench/coldstart.py measures it): the API's routes
and the ingest handler load at import only what every request or message needs; each route or path
imports the rest when it runs. Checked in a fresh process, as Lambda imports the function."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(handler: str, *modules: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "_HANDLER"}
    env |= {"_HANDLER": handler, "BHXH_STAGE": "prod", "AWS_DEFAULT_REGION": "ap-southeast-1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return set(json.loads(out.stdout))


def test_the_api_function_loads_no_console_module_a_route_alone_needs() -> None:
    loaded = _loaded("app.app", "app")
    assert "chalicelib.agency.blueprint" in loaded  # the console's routes are registered
    deferred = {
        "jwt",
        "chalicelib.agency.identity",
        "chalicelib.agency.uploaded_files",
        "chalicelib.agency.cases",
        "chalicelib.agency.notices",
        "chalicelib.agency.page",
        "chalicelib.agency.uploads",
        "chalicelib.ingest.kinds",
        "chalicelib.store.writer",
    }
    assert deferred & loaded == set()


def test_the_ingest_function_loads_the_staged_check_and_openpyxl_only_when_a_message_needs_them() -> None:
    loaded = _loaded("app.ingest", "app", "chalicelib.handlers.ingest")
    assert "chalicelib.ingest.engine" in loaded  # the incoming path, every message's
    assert {"chalicelib.ingest.preview", "chalicelib.notify.outbox", "openpyxl"} & loaded == set()


def test_the_ingest_function_loads_no_console_module_even_on_its_staged_check_path() -> None:
    loaded = _loaded("app.ingest", "app", "chalicelib.handlers.ingest", "chalicelib.ingest.preview")
    assert {name for name in loaded if name.startswith("chalicelib.agency")} == set()
    assert "chalicelib.agency" not in (ROOT / "chalicelib" / "handlers" / "ingest.py").read_text()  # lazily neither


def test_the_ingest_function_loads_each_step_s_module_only_when_a_step_of_it_runs() -> None:
    loaded = _loaded("app.ingest", "app", "chalicelib.handlers.ingest")
    assert "chalicelib.ingest.upload" in loaded  # admitting an upload: every S3 event's first step
    steps = {
        "chalicelib.ingest.pieces",
        "chalicelib.ingest.finish",
        "chalicelib.ingest.kinds",
        "chalicelib.store.writer",
    }
    assert steps & loaded == set()
