"""Starts the local stack as a user would (`python -m local`), on free ports."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN_S = 90
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: `make test-fast` is `-m "not e2e"`
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts the local stack as a user would: marked `e2e`."""
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], Any], what: str, within_s: float = 30) -> Any:
    """Wait for something the stack does in another process, up to a bound; never a fixed sleep."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {within_s}s waiting for {what}")


@dataclass
class RunningStack:
    api: str
    moto: str
    state_dir: Path
    env: dict[str, str]
    log: Path

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.moto,
            region_name="ap-southeast-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def sms(self) -> list[dict[str, str]]:
        # moto builds data.json by walking every tracked model while the pump keeps creating more,
        # and answers 500 when its registry changes under it: ask again (a few times, no waiting)
        for attempt in range(5):
            try:
                with urllib.request.urlopen(f"{self.moto}/moto-api/data.json", timeout=5) as response:
                    return json.load(response)["sns"]["SMS"]
            except urllib.error.HTTPError as exc:
                if exc.code != 500 or attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def set_clock(self, at: str) -> None:
        subprocess.run([sys.executable, "-m", "local.clock", at], cwd=ROOT, env=self.env, check=True)


@contextlib.contextmanager
def running_stack(state: Path, **extra_env: str) -> Iterator[RunningStack]:
    """`python -m local` on free ports, in `state`, with `extra_env` over the test's environment."""
    moto_port, api_port = _free_port(), _free_port()
    log = state / "stack.log"
    env = {
        **os.environ,
        "BHXH_MOTO_PORT": str(moto_port),
        "BHXH_API_PORT": str(api_port),
        "BHXH_STATE_DIR": str(state),
        "BHXH_DEMO": "0",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    with log.open("w") as out:
        process = subprocess.Popen(  # a group of its own: a kill takes its moto server along
            [sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        wait_for(lambda: "ready in" in log.read_text() or process.poll() is not None, "the ready line", READY_WITHIN_S)
        assert process.poll() is None, log.read_text()
        yield RunningStack(f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{moto_port}", state, env, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a loaded machine: the stack did not finish its shutdown in time
            os.killpg(process.pid, signal.SIGKILL)  # its moto server too, which would outlive it otherwise
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("local-state")) as stack:
        yield stack
