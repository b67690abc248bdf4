"""A batch file's place in the bucket, from the `kind` and `name` a staff member gives: only one of
the eleven kinds, and a plain file name (no path, no dots leading anywhere), or a clear 400."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from chalicelib.ingest.kinds import KINDS
from chalicelib.web.errors import ApiError, bad_input

MAX_NAME_CHARS = 100
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", re.ASCII)
Stage = Literal["incoming", "staged"]


@dataclass(frozen=True)
class FileName:
    kind: str
    name: str  # without `.csv`

    def key(self, stage: Stage) -> str:
        """`incoming/<kind>/<name>.csv` (taken) or `staged/<kind>/<name>.csv` (checked, not taken)."""
        return f"{stage}/{self.kind}/{self.name}.csv"

    @property
    def report_key(self) -> str:
        return f"reports/{self.kind}/{self.name}.json"

    @property
    def errors_key(self) -> str:
        return f"reports/{self.kind}/{self.name}.errors.csv"

    @property
    def staged_report_key(self) -> str:
        return f"reports/staged/{self.kind}/{self.name}.json"

    @property
    def staged_errors_key(self) -> str:
        return f"reports/staged/{self.kind}/{self.name}.errors.csv"


def file_name(kind: object, name: object) -> FileName:
    """The file a request names. `name` may end in `.csv` or `.xlsx` (as the file on the clerk's disk does)."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise bad_input("kind", f"one of {', '.join(sorted(KINDS))}")
    if not isinstance(name, str) or not name.strip():
        raise bad_input("name", "required: the file's name")
    stem = name.strip()
    for suffix in (".csv", ".xlsx"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    if len(stem) > MAX_NAME_CHARS:
        raise bad_input("name", f"at most {MAX_NAME_CHARS} characters")
    if not _NAME.match(stem) or ".." in stem:
        raise bad_input("name", "letters, digits, '.', '_' and '-' only, starting with a letter or digit")
    return FileName(kind=kind, name=stem)


def parse_key(key: str) -> tuple[Stage, FileName] | None:
    """`staged/<kind>/<name>.csv` or `incoming/…` back to its parts; None for any other key."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] not in ("incoming", "staged") or not parts[2].endswith(".csv"):
        return None
    stage: Stage = "staged" if parts[0] == "staged" else "incoming"
    try:
        return stage, file_name(parts[1], parts[2])
    except ApiError:
        return None
