"""CSV for staff's spreadsheets: UTF-8 with a byte-order mark (so Excel reads Vietnamese right), CRLF,
and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a leading `'`)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class CsvFile:
    """A CSV answer: the console's routes send it as a download named `name`."""

    name: str
    text: str
