"""The report written for every file, and the CSV of every rejected row, as the contract shows."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any

MAX_LISTED_ERRORS = 100


@dataclass
class Report:
    file: str
    kind: str
    started_at: str
    status: str = "done"
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    finished_at: str | None = None
    reason: str | None = None
    uploaded_by: str | None = None  # a console upload's metadata, repeated (absent for the agency's systems)
    province_code: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    _errors_csv: IO[str] | None = field(default=None, repr=False)
    _writer: Any = field(default=None, repr=False)

    def reject_file(self, reason: str) -> None:
        self.status = "rejected"
        self.reason = reason

    def reject_row(self, line: int, column: str, reason: str, raw: list[str]) -> None:
        """One line per reason in the errors CSV (line, column, reason, then the row as it came)."""
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append({"line": line, "column": column, "reason": reason})
        if self._writer is None:
            # lives as long as the report; spills to disk past 1 MiB, so a file of bad rows stays cheap
            self._errors_csv = tempfile.SpooledTemporaryFile(  # noqa: SIM115
                max_size=1 << 20, mode="w+", newline="", encoding="utf-8"
            )
            self._writer = csv.writer(self._errors_csv)
            self._writer.writerow(["line", "column", "reason"])
        self._writer.writerow([line, column, reason, *raw])

    def to_json(self) -> str:
        body: dict[str, Any] = {
            "file": self.file,
            "kind": self.kind,
            "status": self.status,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "errors": self.errors,
        }
        if self.reason:
            body["reason"] = self.reason
        if self.uploaded_by:
            body["uploaded_by"] = self.uploaded_by
        if self.province_code:
            body["province_code"] = self.province_code
        return json.dumps(body, ensure_ascii=False, indent=1)

    def errors_csv(self) -> io.BytesIO | None:
        """The rejected rows as UTF-8 bytes, or None when every row was taken."""
        if self._errors_csv is None:
            return None
        self._errors_csv.seek(0)
        return io.BytesIO(self._errors_csv.read().encode("utf-8"))


def report_keys(key: str) -> tuple[str, str, str]:
    """`incoming/<kind>/<name>.csv` → (kind, report key, errors CSV key). A console upload to check
    first, `staged/<kind>/<name>.csv`, reports under `reports/staged/`: its check never takes the
    place of the report of the file taken under the same name."""
    parts = key.split("/", 2)
    kind = parts[1] if len(parts) > 2 else ""
    name = parts[2] if len(parts) > 2 else key.rsplit("/", 1)[-1]
    stem = name[:-4] if name.lower().endswith(".csv") else name
    staged = "staged/" if key.startswith("staged/") else ""
    base = f"reports/{staged}{kind or 'unknown'}/{stem}"
    return kind, f"{base}.json", f"{base}.errors.csv"
