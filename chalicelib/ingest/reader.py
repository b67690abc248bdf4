"""Reads a CSV object as a stream: never the whole file in memory, whatever its size."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


class _RawAdapter(io.RawIOBase):
    """Lets TextIOWrapper decode a botocore StreamingBody (or any `.read(n)`) chunk by chunk."""

    def __init__(self, source: Readable) -> None:
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._source.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class NotCsv(ValueError):
    """The file as a whole is refused; the message is the report's reason."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts, the header being line 1
    values: dict[str, str]
    raw: list[str]


def open_text(source: Readable) -> io.TextIOWrapper:
    """UTF-8 with or without BOM; CR, LF and CRLF are left to the csv module (RFC 4180)."""
    buffered = io.BufferedReader(_RawAdapter(source), buffer_size=256 * 1024)
    return io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="strict", newline="")


def read_rows(source: Readable) -> tuple[list[str], Iterator[Row]]:
    """The normalised header (lower-case, stripped) and an iterator of non-empty rows.

    Raises NotCsv for an empty file or a header that is not CSV; the iterator raises NotCsv when
    the bytes stop being UTF-8 or CSV part-way.
    """
    reader = csv.reader(open_text(source), strict=True)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise NotCsv(_why(exc)) from None
    if not header or not any(h.strip() for h in header):
        raise NotCsv("empty file: no header row")
    names = [h.strip().lower() for h in header]
    return names, _rows(reader, names)


def check_csv(source: Readable) -> list[str]:
    """A first pass over the whole stream, storing nothing: the normalised header when every byte is
    UTF-8 and the text is CSV to its end, else NotCsv. A file refused whole then changes nothing."""
    header, rows = read_rows(source)
    for _ in rows:
        pass
    return header


def _rows(reader: Iterator[list[str]], names: list[str]) -> Iterator[Row]:
    last_line = 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            raise NotCsv(_why(exc)) from None
        start = last_line + 1
        last_line = reader.line_num  # type: ignore[attr-defined]
        if not raw or all(not cell.strip() for cell in raw):
            continue
        yield Row(start, dict(zip(names, raw, strict=False)), raw)


def _why(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return f"not CSV: {exc}"
