"""The report written for every file, and the CSV of its rejected rows, as the contract shows them.

The errors CSV is never held whole: each piece of a file streams its own rejected rows to S3
(`ErrorRows`), and the file's CSV is assembled from them once, when the file ends (ingest/finish.py),
stopping after the first 100,000 rejected rows. Every cell that a spreadsheet would read as a
formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a `'` first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.messages import row_reason_code

MAX_LISTED_ERRORS = 100  # in the report's `errors`
MAX_ERROR_ROWS = 100_000  # rejected rows in the errors CSV (CONTRACT: "may stop after")
ERRORS_HEADER = b"line,column,reason\r\n"
# An errors CSV's S3 tag: the bucket's lifecycle rule `errors-csvs` expires what carries it after 90
# days (CONTRACT, Retention); a prefix cannot tell `reports/<kind>/<name>.errors.csv` from a report
ERRORS_CSV_TAGS = "retention=errors-csv"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FLUSH_CHARS = 256 * 1024


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
    version: str | None = None  # the S3 object version read (a staged file's release copies exactly it)
    errors_truncated: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)  # rows refused by the province check, by reason

    def reject_file(self, reason: str) -> None:
        self.status = "rejected"
        self.reason = reason

    def reject_row(self, line: int, column: str, reason: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(row_error(line, column, reason))

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
        if self.errors_truncated:
            body["errors_truncated"] = True
        if self.reason:
            body["reason"] = self.reason
        if self.uploaded_by:
            body["uploaded_by"] = self.uploaded_by
        if self.province_code:
            body["province_code"] = self.province_code
        return json.dumps(body, ensure_ascii=False, indent=1)


def row_error(line: int, column: str, reason: str) -> dict[str, Any]:
    """A rejected row as the report lists it: the contract's `line`, `column` and English `reason`,
    and (added) `code`, the reason's stable code that the console shows in Vietnamese or English
    (domain/messages.py)."""
    return {"line": line, "column": column, "reason": reason, "code": row_reason_code(reason)}


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


class ErrorRows:
    """Rejected rows as CSV lines (`line,column,reason`, then the row as it came), one per reason,
    written through `out` in blocks; at most `limit` rejected rows are written, all are counted.
    The first `MAX_LISTED_ERRORS` reasons are kept for the report."""

    def __init__(self, out: Callable[[bytes], None], *, limit: int = MAX_ERROR_ROWS) -> None:
        self._out = out
        self._limit = limit
        self._text = io.StringIO()
        self._csv = csv.writer(self._text)
        self.rows = 0  # rejected rows seen
        self.listed = 0  # rejected rows written
        self.first: list[dict[str, Any]] = []

    def add(self, line: int, reasons: Sequence[tuple[str, str]], raw: Sequence[str]) -> None:
        self.rows += 1
        for column, reason in reasons:
            if len(self.first) < MAX_LISTED_ERRORS:
                self.first.append(row_error(line, column, reason))
        if self.listed >= self._limit:
            return
        self.listed += 1
        cells = [safe_cell(c) for c in raw]
        for column, reason in reasons:
            self._csv.writerow([line, safe_cell(column), safe_cell(reason), *cells])
        if self._text.tell() >= _FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        text = self._text.getvalue()
        if text:
            self._out(text.encode("utf-8"))
            self._text.seek(0)
            self._text.truncate()


def truncated_line(listed: int, rejected: int) -> bytes:
    """The errors CSV's last line when it stops early: it says so, and how many there were."""
    text = io.StringIO()
    note = f"truncated: the first {listed} rejected rows are listed; {rejected} rows were rejected in all"
    csv.writer(text).writerow(["", "", note])
    return text.getvalue().encode("utf-8")


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
