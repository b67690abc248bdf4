"""A notice's status is written in store/outbox.py alone and a file's in store/files.py alone (issue
23: "the notice lifecycle has no owner"): no other module sets a `status` attribute itself."""

from __future__ import annotations

import re
from pathlib import Path

import chalicelib

ROOT = Path(chalicelib.__file__).parent
OWNERS = {"store/outbox.py", "store/files.py", "store/cases.py"}  # cases have their own CaseStatus
WRITES = re.compile(r"\bstatus\.set\(|\bitem\.status\s*=[^=]|\.status\s*,\s*\w+\.updated_at\s*=")


def test_no_module_but_the_owners_writes_a_status_attribute() -> None:
    writers = {
        str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py") if WRITES.search(path.read_text(encoding="utf-8"))
    }
    assert writers <= OWNERS, writers - OWNERS
    assert "store/outbox.py" in writers and "store/files.py" in writers  # the pattern finds them
