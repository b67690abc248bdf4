"""An Excel workbook (`<stage>/<kind>/<name>.xlsx`) taken as the CSV it holds: its first sheet is
written once, streamed, as `<stage>/<kind>/<name>.csv` beside it, and that object is taken (or
checked) as any CSV is: its own S3 event, chunks, report and place in the console's list.

A CSV is what the chunked ingest reads by byte ranges (ingest/plan.py); a workbook is a zip, whose
sheet cannot be cut that way. openpyxl reads the sheet in read-only mode, a row at a time, from a
seekable view of the object that reads it by ranged GETs (`RangedObject`): neither the workbook nor
the CSV is ever held whole, and nothing goes to /tmp. A workbook that cannot be read is still
written as an (empty) CSV, carrying its reason in the object's metadata (`refused`): the upload
then gets its report and its row in the console, refused with that reason (ingest/upload.py).

Values are written in the contract's formats: a whole number Excel holds as a float is an integer
(`1500000.0` → `1500000`; a number shown with leading zeros, format `0000000000`, keeps them), a
date is `YYYY-MM-DD` (a month shown without its day, `YYYY-MM`), `True` is `true`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws.s3_upload import StreamedObject
from chalicelib.ingest.reader import MAX_COLUMNS

logger = Logger(child=True)

SUFFIX = ".xlsx"
REFUSED = "refused"  # the metadata key of a workbook that could not be read
CONVERTED = "converted-from"
READ_BYTES = 1 << 20  # each ranged GET of the workbook
_ZEROS = re.compile(r"^0+$")


def is_workbook(key: str) -> bool:
    return key.lower().endswith(SUFFIX) and key.count("/") == 2


def csv_key(key: str) -> str:
    """`incoming/payments/2026-11.xlsx` → `incoming/payments/2026-11.csv`: where its CSV is written."""
    return key[: -len(SUFFIX)] + ".csv"


class RangedObject(io.RawIOBase):
    """One S3 object version as a seekable binary file, read by ranged GETs (zipfile seeks to the
    central directory at the end, then to each member)."""

    def __init__(self, s3: Any, bucket: str, key: str, size: int, version: dict[str, str]) -> None:
        self._s3, self._bucket, self._key, self._size, self._version = s3, bucket, key, size, version
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        end = min(self._size, self._pos + len(buffer))
        if end <= self._pos:
            return 0
        answer = self._s3.get_object(
            Bucket=self._bucket, Key=self._key, Range=f"bytes={self._pos}-{end - 1}", **self._version
        )
        data = answer["Body"].read()
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def cell_text(value: Any, number_format: str | None = None) -> str:
    """A cell's value in the contract's formats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.isoformat(sep=" ")
        value = value.date()
    if isinstance(value, date):
        shown = (number_format or "").lower()
        return value.isoformat()[:7] if shown and "d" not in shown and "y" in shown else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if number_format and _ZEROS.match(number_format):
            return str(value).zfill(len(number_format))  # shown with its leading zeros: an ss_code, a phone
        return str(value)
    if isinstance(value, float):
        return repr(value)  # a fraction: the row is rejected with its value, never rounded
    return str(value)


def sheet_rows(workbook: io.BufferedIOBase) -> Iterator[list[str]]:
    """The first sheet's rows as text, a row at a time; trailing empty cells dropped. At most one
    column over the cap is read: a wider header is refused by the CSV's own check."""
    from openpyxl import load_workbook  # the ingest function alone needs it, and only for workbooks

    book = load_workbook(workbook, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
            cells = [cell_text(c.value, getattr(c, "number_format", None)) for c in row]
            while cells and cells[-1] == "":
                cells.pop()
            yield cells
    finally:
        book.close()


def write_csv(rows: Iterable[list[str]], out: StreamedObject) -> int:
    """The rows as UTF-8 CSV (RFC 4180 quoting, CRLF), a block at a time; the rows written."""
    block = io.StringIO()
    writer = csv.writer(block, lineterminator="\r\n")
    n = 0
    for n, cells in enumerate(rows, start=1):  # noqa: B007 - the count is the answer
        writer.writerow(cells)
        if block.tell() >= READ_BYTES:
            out.write(block.getvalue().encode("utf-8"))
            block.seek(0)
            block.truncate()
    out.write(block.getvalue().encode("utf-8"))
    return n


def convert(s3: Any, bucket: str, key: str, version: str | None) -> str:
    """The workbook's CSV written beside it, with the workbook's metadata (the uploader, the
    province); returns the CSV's key. A workbook that cannot be read gives an empty CSV whose
    metadata says why."""
    # the version the event named (a staged file is checked as it is now: ingest/upload.admit_staged)
    which = {"VersionId": version} if version and key.startswith("incoming/") else {}
    head = s3.head_object(Bucket=bucket, Key=key, **which)
    metadata = {k: v for k, v in (head.get("Metadata") or {}).items() if k not in (REFUSED, CONVERTED)}
    metadata[CONVERTED] = "xlsx"
    target = csv_key(key)
    out = StreamedObject(s3, bucket, target, content_type="text/csv; charset=utf-8", metadata=metadata)
    source = io.BufferedReader(RangedObject(s3, bucket, key, int(head["ContentLength"]), which), READ_BYTES)
    try:
        rows = write_csv(sheet_rows(source), out)
    except (BotoCoreError, ClientError):
        out.abort()
        raise  # S3 failed, not the workbook: the queue retries
    except Exception as exc:  # whatever openpyxl or zipfile raise: the workbook cannot be read
        out.abort()
        reason = f"not an Excel workbook (.xlsx) that can be read: {type(exc).__name__}"
        logger.info("workbook refused", file=key, error=type(exc).__name__)
        refused = StreamedObject(
            s3, bucket, target, content_type="text/csv; charset=utf-8", metadata={**metadata, REFUSED: reason}
        )
        refused.close()
        return target
    out.close()
    logger.info("workbook converted", file=key, rows=rows)
    return target
