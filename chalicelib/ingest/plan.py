"""Where a file can be cut into chunks: at the end of a CSV record, which a quoted field's line
break is not. Pure: bytes in, byte offsets and line numbers out.

The file is scanned once, in order, a block at a time, at the speed of `bytes.find` and one regular
expression: while a stretch holds no `"`, every line break ends a record; from the first `"` on,
the expression below reads whole records exactly as the csv module does (a quote opens a quoted
field only at the field's start, `""` inside one is a quote, a quoted field is followed by the
delimiter, `,` or `;`, or the line's end). The file's encoding does not matter here: in UTF-8,
Windows-1258 and Windows-1252 alike `"`, `,`, `;`, CR and LF are those bytes and no others. The
scan only looks for boundaries; a stretch it cannot read as records (a quote
never closed, one record longer than the caps) ends the cutting there, and the chunk that holds it
is refused by the first pass with the csv module's own reason (ingest/pieces.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from chalicelib.ingest.reader import MAX_LINE_BYTES

_QUOTED = rb'"(?:[^"]|"")*+"'


@cache
def _records(delimiter: bytes) -> re.Pattern[bytes]:
    """Whole records, as many as follow, of a file with this delimiter."""
    plain = rb"[^" + delimiter + rb'"\r\n][^' + delimiter + rb"\r\n]*+"
    field = rb"(?:" + _QUOTED + rb"|" + plain + rb")?+"
    return re.compile(rb"(?:" + field + rb"(?:" + delimiter + field + rb")*+(?:\r\n|\n|\r))*+")


# no boundary in this much: a record over the cap or not CSV; the first pass says which
MAX_CARRY = 2 * MAX_LINE_BYTES


def last_boundary(data: bytes, *, eof: bool, delimiter: str = ",") -> int:
    """The offset just after the last whole record of `data`, which begins at a record boundary
    (0: none ends in it). A CR at the end may be half a CRLF: it waits, unless the file ends."""
    end = len(data) - 1 if (not eof and data.endswith(b"\r")) else len(data)
    quote = data.find(b'"', 0, end)
    if quote == -1:
        return max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1
    head = max(data.rfind(b"\n", 0, quote), data.rfind(b"\r", 0, quote)) + 1
    found = _records(delimiter.encode()).match(data, head, end)
    return found.end() if found else head


def physical_lines(data: bytes) -> int:
    """Lines as the csv module numbers them: each LF, CRLF or lone CR ends one."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


@dataclass(frozen=True)
class Chunk:
    n: int
    start: int  # its first byte, where a record begins
    end: int  # one past its last byte: where the next chunk begins, or the file's size
    line: int  # the file's number of its first line (the header is line 1)

    def to_json(self) -> list[int]:
        return [self.n, self.start, self.end, self.line]

    @classmethod
    def from_json(cls, data: list[int]) -> Chunk:
        n, start, end, line = (int(x) for x in data)
        return cls(n, start, end, line)


class Cutter:
    """Fed the file's bytes in order from `start` (a record boundary, line `line`), it marks a cut
    at the first record boundary once `chunk_bytes` have passed since the last one."""

    def __init__(self, start: int, line: int, chunk_bytes: int, delimiter: str = ",") -> None:
        self.pos = start  # the last record boundary found
        self.line = line  # the number of the line that begins there
        self.cuts: list[tuple[int, int]] = [(start, line)]
        self.stuck = False  # no boundary could be found any more: the rest is one chunk
        self._chunk_bytes = chunk_bytes
        self._delimiter = delimiter
        self._carry = b""

    def feed(self, block: bytes, *, eof: bool) -> None:
        """The next bytes of the file (`eof`: they are its last). A cut can come every quarter of a
        chunk's bytes, whatever the size of the blocks fed."""
        step = max(1, self._chunk_bytes // 4)
        for at in range(0, len(block), step) if block else [0]:
            self._feed(block[at : at + step], eof=eof and at + step >= len(block))

    def _feed(self, block: bytes, *, eof: bool) -> None:
        if self.stuck:
            return
        data = self._carry + block if self._carry else block
        end = last_boundary(data, eof=eof, delimiter=self._delimiter)
        if end:
            self.line += physical_lines(data[:end] if end < len(data) else data)
            self.pos += end
            self._carry = data[end:]
            if self.pos - self.cuts[-1][0] >= self._chunk_bytes and not (eof and not self._carry):
                self.cuts.append((self.pos, self.line))
        else:
            self._carry = data
        if len(self._carry) > MAX_CARRY:
            self.stuck = True
            self._carry = b""

    def chunks(self, size: int) -> list[Chunk]:
        """The chunks, the last one running to the file's end."""
        starts = [start for start, _ in self.cuts] + [size]
        return [Chunk(n, start, starts[n + 1], line) for n, (start, line) in enumerate(self.cuts)]
