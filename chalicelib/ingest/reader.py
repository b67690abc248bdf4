"""Reads CSV from a byte stream, a line at a time: never the whole file, nor a whole long line.

The bytes are split into lines here (LF, CRLF or a lone CR, as the csv module reads them) and each
line is decoded on its own, so a file's byte offsets and line numbers are known exactly: a chunk of
a file (chalicelib/ingest/plan.py) is read from any record boundary with its own first line number,
and a read stopped part-way knows the byte where the next record starts. The caps of the contract
are enforced as the bytes arrive: a line over 1 MiB (a CSV record, quoted line breaks included)
refuses the file before it is held; a header of more than 200 columns, or naming one column twice,
refuses it too. A field over 128 KiB only rejects its row (ingest/pieces.py).

A file's `Form` (its encoding and delimiter, as Excel saves files) is decided once, from its head
(`sniff`): UTF-8 (a BOM or not), else Windows-1258 when Vietnamese letters or tone marks show in
it, else Windows-1252; a comma or a semicolon, whichever splits the header into more columns. Every
chunk of the file is read in that form (it is stored with the chunk plan, ingest/objects.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
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


ENCODINGS = {"utf-8": "UTF-8", "cp1258": "Windows-1258", "cp1252": "Windows-1252"}
DELIMITERS = (",", ";")


@dataclass(frozen=True)
class Form:
    """How a file's bytes are text and its text records: one of ENCODINGS, one of DELIMITERS."""

    encoding: str = "utf-8"
    delimiter: str = ","

    def to_json(self) -> list[str]:
        return [self.encoding, self.delimiter]

    @classmethod
    def from_json(cls, data: list[str] | None) -> Form:
        """A stored form; none (a plan or a step written before forms were) is UTF-8 and commas."""
        if not data:
            return UTF8
        encoding, delimiter = data
        if encoding not in ENCODINGS or delimiter not in DELIMITERS:
            raise ValueError(f"unknown form: {data!r}")
        return cls(encoding, delimiter)


UTF8 = Form()
# bytes of Windows-1258 that only Vietnamese text has: Ă ă Đ đ Ơ ơ Ư ư, and the five combining tone
# marks (grave, acute, tilde, hook above, dot below) after a letter; in Windows-1252 these are
# Ã ã Ð ð Õ õ Ý ý and Ì ì Þ Ò ò, rare in the agency's (Vietnamese or unaccented) files
_VIETNAMESE_LETTERS = re.compile(rb"[\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd]")
_TONE_AFTER_LETTER = re.compile(rb"[A-Za-z\xc2\xe2\xca\xea\xd4\xf4\xc3\xe3\xd5\xf5\xdd\xfd][\xcc\xec\xde\xd2\xf2]")
# a text file has none of these C0 controls (tab, LF, CR aside): a binary file, or UTF-16, does
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ZIP = b"PK\x03\x04"  # an .xlsx is a zip
NOT_TEXT = "not UTF-8, Windows-1258 or Windows-1252 text"


def detect_encoding(head: bytes, *, whole: bool) -> str:
    """The encoding of a file from its first bytes (`whole`: they are all of it), or NotCsv."""
    if head.startswith(BOM):
        return "utf-8"
    if head.startswith(_UTF16_BOMS):
        raise NotCsv(f"{NOT_TEXT}: UTF-16 (save it as CSV UTF-8)")
    if head.startswith(_ZIP):
        raise NotCsv(f"{NOT_TEXT}: an Excel workbook named .csv (upload it as .xlsx)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    binary = _BINARY.search(head)
    if binary:
        raise NotCsv(f"{NOT_TEXT} (line {_line_at(head, binary.start())})", _line_at(head, binary.start()))
    vietnamese = _VIETNAMESE_LETTERS.search(head) or _TONE_AFTER_LETTER.search(head)
    encoding = "cp1258" if vietnamese else "cp1252"
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NotCsv(f"{NOT_TEXT} (line {_line_at(head, exc.start)})", _line_at(head, exc.start)) from None
    return encoding


def _line_at(data: bytes, at: int) -> int:
    """The line (LF, CRLF or a lone CR ends one) of byte `at`."""
    return 1 + data.count(b"\n", 0, at) + data.count(b"\r", 0, at) - data.count(b"\r\n", 0, at)


def detect_delimiter(first_line: str) -> str:
    """`;` when it splits the header into more columns than `,` does (Excel's CSV where the
    decimal mark is a comma), else `,`."""
    try:
        counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
    except csv.Error:  # a header the caps refuse (over 1 MiB, NUL): the header's own check says why
        counts = {d: first_line.count(d) for d in DELIMITERS}
    return ";" if counts[";"] > counts[","] else ","


def detect_form(head: bytes, *, whole: bool) -> Form:
    """The file's form from its first bytes: its encoding, then its header line's delimiter."""
    encoding = detect_encoding(head, whole=whole)
    body = head[len(BOM) :] if head.startswith(BOM) else head
    first = body.split(b"\n", 1)[0].split(b"\r", 1)[0]
    return Form(encoding, detect_delimiter(first.decode(encoding, errors="replace")))


SNIFF_BYTES = MAX_LINE_BYTES + len(BOM) + 2  # the header within the line cap, with its CRLF


class _Replayed:
    """A stream's first bytes, read already, then the rest of it."""

    def __init__(self, head: bytes, rest: Readable) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        data = self._head.read(size)
        if size < 0:
            return data + self._rest.read()
        return data + self._rest.read(size - len(data)) if len(data) < size else data


def sniff(source: Readable) -> tuple[Form, Readable]:
    """The form of a stream read from its start, and the same stream to read from its start."""
    head = b""
    while len(head) < SNIFF_BYTES:
        more = source.read(SNIFF_BYTES - len(head))
        if not more:
            break
        head += more
    return detect_form(head, whole=len(head) < SNIFF_BYTES), _Replayed(head, source)


class Lines:
    """The decoded lines of a stream, each with its terminator, counted: `offset` is the bytes read
    for the lines handed out (a leading BOM included), `line` the number of the last one."""

    def __init__(
        self, source: Readable, *, bom: bool = False, first_line: int = 1, block: int = BLOCK, encoding: str = "utf-8"
    ) -> None:
        self._source = source
        self._bom = bom
        self._encoding = encoding
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
            text = raw.decode(self._encoding)
        except UnicodeDecodeError:
            raise NotCsv(f"not {ENCODINGS[self._encoding]} text (line {self.line})", self.line) from None
        if self._encoding == "cp1258" and not unicodedata.is_normalized("NFC", text):
            return unicodedata.normalize("NFC", text)  # its tone marks are combining characters
        return text


def _records(lines: Lines, delimiter: str = ",") -> Iterator[list[str]]:
    reader = csv.reader(lines, strict=True, delimiter=delimiter)
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


def read_header(source: Readable, form: Form = UTF8) -> Header:
    """The file's header record, read from the start of the stream; NotCsv when it is refused."""
    lines = Lines(source, bom=True, encoding=form.encoding)
    raw = next(_records(lines, form.delimiter), None)
    return Header(header_names(raw), lines.offset, lines.line)


def rows(source: Readable, names: list[str], *, first_line: int, form: Form = UTF8) -> Iterator[Row]:
    """The non-empty rows of a stream that begins at a record boundary, numbered from `first_line`;
    each knows the byte (relative to the stream's start) where the next record begins."""
    lines = Lines(source, first_line=first_line, encoding=form.encoding)
    for raw in _records(lines, form.delimiter):
        if not raw or all(not cell.strip() for cell in raw):
            continue
        yield Row(lines.record_line, dict(zip(names, raw, strict=False)), raw, lines.offset, lines.line + 1)


def read_rows(source: Readable, form: Form | None = None) -> tuple[list[str], Iterator[Row]]:
    """A whole file from its start: the normalised header and an iterator of its non-empty rows;
    its form found from its head unless given.

    Raises NotCsv for a refused header or head; the iterator raises NotCsv when the bytes stop being
    text of the file's encoding or CSV part-way, or a line is over 1 MiB.
    """
    if form is None:
        form, source = sniff(source)
    lines = Lines(source, bom=True, encoding=form.encoding)
    records = _records(lines, form.delimiter)
    names = header_names(next(records, None))

    def data() -> Iterator[Row]:
        for raw in records:
            if not raw or all(not cell.strip() for cell in raw):
                continue
            yield Row(lines.record_line, dict(zip(names, raw, strict=False)), raw, lines.offset, lines.line + 1)

    return names, data()


def check_csv(source: Readable) -> tuple[list[str], Form]:
    """A pass over the whole stream, storing nothing: the header and the file's form when every
    byte is text of one encoding and the text is CSV to its end within the caps, else NotCsv."""
    form, source = sniff(source)
    header, data = read_rows(source, form)
    for _ in data:
        pass
    return header, form
