import io

import pytest

from chalicelib.ingest.reader import NotCsv, read_rows


def rows_of(data: bytes):
    header, rows = read_rows(io.BytesIO(data))
    return header, list(rows)


def test_bom_crlf_quoted_commas_and_newlines_are_read_as_agencies_write_them() -> None:
    data = '\ufeffUnit_Code , Name\r\nTZH490L,"Công ty ""Hoàng Mai"", Nghệ An\r\nchi nhánh 2"\r\n\r\nYN0123A,Cửa Lò\r\n'
    header, rows = rows_of(data.encode("utf-8"))
    assert header == ["unit_code", "name"]
    assert [r.values["name"] for r in rows] == ['Công ty "Hoàng Mai", Nghệ An\r\nchi nhánh 2', "Cửa Lò"]
    assert [r.line for r in rows] == [2, 5]  # the header is line 1; the quoted row spans lines 2-3


def test_bytes_that_are_not_utf8_refuse_the_file() -> None:
    with pytest.raises(NotCsv, match="not UTF-8"):
        _, rows = read_rows(io.BytesIO("unit_code,name\nA1B,Công ty\n".encode("cp1258")))
        list(rows)


def test_an_empty_file_is_not_csv() -> None:
    with pytest.raises(NotCsv, match="empty"):
        read_rows(io.BytesIO(b""))
