"""The suite's own layout: what `make test-fast` leaves out, and the shared stack's restore."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _collected(*args: str) -> list[str]:
    answer = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert answer.returncode in (0, 5), answer.stdout + answer.stderr  # 5: nothing collected
    return [line for line in answer.stdout.splitlines() if "::" in line]


def test_every_end_to_end_test_and_no_other_is_marked_e2e_so_test_fast_leaves_exactly_them_out() -> None:
    e2e = _collected("-m", "e2e", "tests/e2e", "tests/local/test_stack.py")
    everything = _collected("tests/e2e", "tests/local/test_stack.py")
    assert e2e and all(test.startswith("tests/e2e/") for test in e2e)
    assert sorted(e2e) == sorted(t for t in everything if t.startswith("tests/e2e/"))
