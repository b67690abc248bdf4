import io
import unicodedata

import pytest

from chalicelib.ingest.reader import SNIFF_BYTES, UTF8, Form, NotCsv, check_csv, read_rows, rows
from tests.factories import windows_1258, workbook


def rows_of(data: bytes):
    header, rows = read_rows(io.BytesIO(data))
    return header, list(rows)


def test_bom_crlf_quoted_commas_and_newlines_are_read_as_agencies_write_them() -> None:
    data = '\ufeffUnit_Code , Name\r\nTZH490L,"Công ty ""Hoàng Mai"", Nghệ An\r\nchi nhánh 2"\r\n\r\nYN0123A,Cửa Lò\r\n'
    header, rows = rows_of(data.encode("utf-8"))
    assert header == ["unit_code", "name"]
    assert [r.values["name"] for r in rows] == ['Công ty "Hoàng Mai", Nghệ An\r\nchi nhánh 2', "Cửa Lò"]
    assert [r.line for r in rows] == [2, 5]  # the header is line 1; the quoted row spans lines 2-3


def test_a_windows_1258_file_as_excel_saves_it_is_read_with_its_tone_marks_composed() -> None:
    data = windows_1258("ss_code,full_name\r\n0110129425,Nguyễn Thị Hồng Đào\r\n0110129426,Trần Văn Bảy\r\n")
    assert b"\xd0" in data and b"\xde" in data  # Đ, and a combining tilde after ê
    _, form = check_csv(io.BytesIO(data))
    assert form == Form("cp1258", ",")
    _, found = rows_of(data)
    assert [r.values["full_name"] for r in found] == ["Nguyễn Thị Hồng Đào", "Trần Văn Bảy"]
    assert all(unicodedata.is_normalized("NFC", r.values["full_name"]) for r in found)


def test_a_windows_1252_file_is_read_as_windows_1252() -> None:
    data = "unit_code,name\nA1B,Société Générale Viêt Nam\n".encode("cp1252")
    assert check_csv(io.BytesIO(data))[1] == Form("cp1252", ",")
    assert rows_of(data)[1][0].values["name"] == "Société Générale Viêt Nam"


def test_a_semicolon_file_with_quoted_semicolons_and_commas_is_read_by_its_header() -> None:
    data = 'unit_code;name;rep_phone\r\nTZH490L;"Công ty A; chi nhánh, Vinh";0912345678\r\n'.encode()
    header, found = rows_of(data)
    assert header == ["unit_code", "name", "rep_phone"]
    assert found[0].values == {"unit_code": "TZH490L", "name": "Công ty A; chi nhánh, Vinh", "rep_phone": "0912345678"}


def test_a_comma_file_with_semicolons_in_its_cells_stays_a_comma_file() -> None:
    header, found = rows_of(b"unit_code,name\nA1B,x;y;z\n")
    assert header == ["unit_code", "name"] and found[0].values["name"] == "x;y;z"


def test_bytes_of_no_known_encoding_refuse_the_file_with_the_line() -> None:
    data = b"unit_code,name\nA1B,ok\nA2B,\x81\x8d bad\n"  # undefined in Windows-1258 and in Windows-1252
    with pytest.raises(NotCsv, match=r"^not UTF-8, Windows-1258 or Windows-1252 text \(line 3\)$") as refused:
        rows_of(data)
    assert refused.value.line == 3


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "unit_code,name\n".encode("utf-16"),
        b"PK\x03\x04\x14\x00" + bytes(range(256)),
    ],
    ids=["png", "utf-16", "xlsx-named-csv"],
)
def test_binary_and_utf16_files_are_refused_as_not_text(data: bytes) -> None:
    with pytest.raises(NotCsv, match=r"^not UTF-8, Windows-1258 or Windows-1252 text"):
        rows_of(data)


def test_a_workbook_saved_under_a_csv_name_is_refused_saying_so() -> None:
    with pytest.raises(NotCsv, match=r"an Excel workbook named \.csv \(upload it as \.xlsx\)$"):
        rows_of(workbook([["payment_id"], ["PT-1"]]))


def test_a_file_whose_head_is_utf8_is_refused_where_its_bytes_stop_being_utf8() -> None:
    line = "PT-1,TZH490L,Hà Nội\n".encode()
    lines = SNIFF_BYTES // len(line) + 10  # the head (what the form is decided from) is all UTF-8
    data = b"payment_id,unit_code,note\n" + line * lines + "PT-2,TZH490L,Hà Nam\n".encode("cp1258")
    with pytest.raises(NotCsv, match=rf"^not UTF-8 text \(line {lines + 2}\)$"):
        rows_of(data)


def test_a_later_chunk_is_read_in_the_form_decided_from_the_head() -> None:
    chunk = windows_1258("A1B;Cty Bảo Long\n")
    [row] = rows(io.BytesIO(chunk), ["unit_code", "name"], first_line=7, form=Form("cp1258", ";"))
    assert (row.line, row.values["name"]) == (7, "Cty Bảo Long")
    with pytest.raises(NotCsv, match=r"^not UTF-8 text \(line 7\)$"):
        list(rows(io.BytesIO(chunk), ["unit_code", "name"], first_line=7, form=UTF8))


def test_an_empty_file_is_not_csv() -> None:
    with pytest.raises(NotCsv, match="empty"):
        read_rows(io.BytesIO(b""))
