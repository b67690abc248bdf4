"""Reads CSV from a byte stream, a line at a time: never the whole file, nor a whole long line.

The bytes are split into lines here (LF, CRLF or a lone CR, as the csv module reads them) and each
line is decoded on its own, so a file's byte offsets and line numbers are known exactly: a chunk of
a file (chalicelib/ingest/plan.py) is read from any record boundary with its own first line number,
and a read stopped part-way knows the byte where the next record starts. The caps of the contract
are enforced as the bytes arrive: a line over 1 MiB (a CSV record, quoted line breaks included)
refuses the file before it is held; a header of more than 200 columns, or naming one column twice,
refuses it too. A field over 128 KiB only rejects its row (ingest/pieces.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

MAX_LINE_BYTES = 1 << 20  # a record longer than this refuses the file (CONTRACT, "Further rules")
MAX_FIELD_BYTES = 128 << 10  # a field longer than this rejects its row
MAX_COLUMNS = 200
BLOCK = 256 * 1024
BOM = b"\xef\xbb\xbf"

# the csv module's own field cap is process-wide; ours (the record cap) is lower and says why
csv.field_size_limit(MAX_LINE_BYTES + 1)


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


class NotCsv(ValueError):
    """The file as a whole is refused; the message is the report's reason, `line` where it was
    found (the first of several such in a file is the one reported)."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.line = line


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts, the header being line 1
    values: dict[str, str]
    raw: list[str]
    end: int  # the byte, relative to where reading began, where the next record starts
    next_line: int  # the line number there


class Lines:
    """The decoded lines of a stream, each with its terminator, counted: `offset` is the bytes read
    for the lines handed out (a leading BOM included), `line` the number of the last one."""

    def __init__(self, source: Readable, *, bom: bool = False, first_line: int = 1, block: int = BLOCK) -> None:
        self._source = source
        self._bom = bom
        self._block = block
        self.offset = 0
        self.line = first_line - 1
        self._record_offset = 0
        self.record_line = first_line

    def start_record(self) -> None:
        """The next line begins a record: the record cap counts from here."""
        self._record_offset = self.offset
        self.record_line = self.line + 1

    def __iter__(self) -> Iterator[str]:
        pending = b""
        first = True
        while True:
            block = self._source.read(self._block)
            if first and self._bom and block.startswith(BOM):
                block = block[len(BOM) :]
                self.offset += len(BOM)
            first = False
            data = pending + block if pending else block
            if not block:  # the end: what is left is the last line, with or without its terminator
                if data:
                    yield self._decoded(data)
                return
            lines = data.splitlines(keepends=True)
            last = lines[-1]
            # an unterminated line, or a CR whose LF may be in the next block, waits for more bytes
            pending = last if not last.endswith(b"\n") else b""
            if pending:
                lines.pop()
                if len(pending) > MAX_LINE_BYTES:
                    at = self.line + len(lines) + 1
                    raise NotCsv(f"line over 1 MiB (line {at})", at)
            for line in lines:
                yield self._decoded(line)

    def _decoded(self, raw: bytes) -> str:
        self.line += 1
        self.offset += len(raw)
        if self.offset - self._record_offset > MAX_LINE_BYTES:
            raise NotCsv(f"line over 1 MiB (line {self.record_line})", self.record_line)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotCsv(f"not UTF-8 text (line {self.line})", self.line) from None


def _records(lines: Lines) -> Iterator[list[str]]:
    reader = csv.reader(lines, strict=True)
    while True:
        lines.start_record()
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise NotCsv(f"not CSV: {exc} (line {lines.line})", lines.line) from None
        yield raw


def header_names(raw: list[str] | None) -> list[str]:
    """The header's names (lower-case, stripped), or NotCsv when the file cannot be read by them."""
    if not raw or not any(h.strip() for h in raw):
        raise NotCsv("empty file: no header row")
    if len(raw) > MAX_COLUMNS:
        raise NotCsv(f"more than {MAX_COLUMNS} columns ({len(raw)})")
    names = [h.strip().lower() for h in raw]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise NotCsv(f"duplicate column: {name[:64]!r}")
        seen.add(name)
    return names


@dataclass(frozen=True)
class Header:
    names: list[str]
    end: int  # the byte where the first data record starts (after the BOM and the header record)
    lines: int  # the physical lines the header takes (1, unless a name holds a quoted line break)


def read_header(source: Readable) -> Header:
    """The file's header record, read from the start of the stream; NotCsv when it is refused."""
    lines = Lines(source, bom=True)
    raw = next(_records(lines), None)
    return Header(header_names(raw), lines.offset, lines.line)


def rows(source: Readable, names: list[str], *, first_line: int) -> Iterator[Row]:
    """The non-empty rows of a stream that begins at a record boundary, numbered from `first_line`;
    each knows the byte (relative to the stream's start) where the next record begins."""
    lines = Lines(source, first_line=first_line)
    for raw in _records(lines):
        if not raw or all(not cell.strip() for cell in raw):
            continue
        yield Row(lines.record_line, dict(zip(names, raw, strict=False)), raw, lines.offset, lines.line + 1)


def read_rows(source: Readable) -> tuple[list[str], Iterator[Row]]:
    """A whole file from its start: the normalised header and an iterator of its non-empty rows.

    Raises NotCsv for a refused header; the iterator raises NotCsv when the bytes stop being UTF-8
    or CSV part-way, or a line is over 1 MiB.
    """
    lines = Lines(source, bom=True)
    records = _records(lines)
    names = header_names(next(records, None))

    def data() -> Iterator[Row]:
        for raw in records:
            if not raw or all(not cell.strip() for cell in raw):
                continue
            yield Row(lines.record_line, dict(zip(names, raw, strict=False)), raw, lines.offset, lines.line + 1)

    return names, data()


def check_csv(source: Readable) -> list[str]:
    """A pass over the whole stream, storing nothing: the header when every byte is UTF-8 and the
    text is CSV to its end within the caps, else NotCsv."""
    header, data = read_rows(source)
    for _ in data:
        pass
    return header
