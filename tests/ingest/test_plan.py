"""A file cut into chunks reads, chunk by chunk, exactly as it reads whole: the same rows, the same
line numbers, whatever the quoting, line breaks, block sizes, delimiter and encoding."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.ingest.plan import Cutter, last_boundary
from chalicelib.ingest.reader import detect_form, read_header, read_rows, rows

_CELL = st.one_of(
    st.text(st.sampled_from('ab,;"\n\r é'), max_size=6).map(lambda s: '"' + s.replace('"', '""') + '"'),
    st.text(st.sampled_from("abc é1"), max_size=6),
    st.text(st.sampled_from('ab"c'), min_size=1, max_size=4).filter(lambda s: not s.startswith('"')),  # stray quotes
)
_END = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_files(draw) -> bytes:
    sep = draw(st.sampled_from([",", ";"]))
    header = sep.join("abc") + draw(_END)
    count = draw(st.integers(0, 40))
    lines = [sep.join(draw(st.lists(_CELL, min_size=1, max_size=3))) + draw(_END) for _ in range(count)]
    tail = draw(st.sampled_from(["", f"x{sep}y"]))
    encoding = draw(st.sampled_from(["utf-8", "cp1258", "cp1252"]))
    bom = draw(st.sampled_from(["", "\ufeff"])) if encoding == "utf-8" else ""
    return (bom + header + "".join(lines) + tail).encode(encoding)


def _cut(data: bytes, chunk_bytes: int, block: int):
    form = detect_form(data, whole=True)
    header = read_header(io.BytesIO(data), form)
    cutter = Cutter(header.end, header.lines + 1, chunk_bytes, form.delimiter)
    for at in range(header.end, len(data), block):
        cutter.feed(data[at : at + block], eof=at + block >= len(data))
    if header.end >= len(data):
        cutter.feed(b"", eof=True)
    return header, cutter.chunks(len(data))


@settings(max_examples=300, deadline=None)
@given(data=csv_files(), chunk_bytes=st.integers(1, 60), block=st.integers(1, 50))
def test_chunks_read_as_the_whole_file_reads(data: bytes, chunk_bytes: int, block: int) -> None:
    names, whole = read_rows(io.BytesIO(data))
    expected = [(r.line, r.raw) for r in whole]
    header, chunks = _cut(data, chunk_bytes, block)
    form = detect_form(data, whole=True)
    got = []
    for chunk in chunks:
        part = io.BytesIO(data[chunk.start : chunk.end])
        got += [(r.line, r.raw) for r in rows(part, names, first_line=chunk.line, form=form)]
    assert got == expected
    assert chunks[0].start == header.end and chunks[-1].end == len(data)


def test_a_quoted_line_break_is_never_a_cut() -> None:
    data = b'x,"one\ntwo"\ny,z\n'
    assert last_boundary(data, eof=False) == len(data)
    assert last_boundary(data[:8], eof=False) == 0  # inside the quoted field: no record has ended


def test_a_cr_at_the_end_of_a_block_waits_for_its_lf() -> None:
    assert last_boundary(b"a,b\r\nc,d\r", eof=False) == 5
    assert last_boundary(b"a,b\r\nc,d\r", eof=True) == 9


def test_the_cuts_come_once_the_chunk_size_has_passed_at_a_line_end_and_count_the_lines() -> None:
    data = b"h\n" + b"".join(b"%d\n" % (i % 10) for i in range(100))  # 2 bytes a line
    header, chunks = _cut(data, 50, 7)
    sizes = [c.end - c.start for c in chunks]
    assert all(50 <= size < 50 + 7 + 2 for size in sizes[:-1]) and 0 < sizes[-1] < 59
    assert all(data[c.start - 1 : c.start] == b"\n" for c in chunks)
    assert [c.line for c in chunks] == [2 + (c.start - header.end) // 2 for c in chunks]
