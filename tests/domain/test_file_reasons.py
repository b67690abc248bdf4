"""Every reason a file is refused for is said in Vietnamese and English, with what to do."""

from __future__ import annotations

import io

import pytest

from chalicelib.domain.file_reasons import OTHER, REASONS, explain
from chalicelib.ingest.reader import NotCsv, read_rows


def test_every_reason_code_has_vietnamese_and_english_and_what_to_do_in_both() -> None:
    codes = [r.code for r in (*REASONS, OTHER)]
    assert len(codes) == len(set(codes))
    for reason in (*REASONS, OTHER):
        said = reason.as_dict()
        assert said["vi"].strip() and said["en"].strip() and said["vi"] != said["en"], reason.code
        assert said["what_to_do"]["vi"].strip() and said["what_to_do"]["en"].strip(), reason.code
        assert said["what_to_do"]["vi"] != said["what_to_do"]["en"], reason.code


def test_no_reasons_words_begin_another_reasons() -> None:
    starts = [(s, r.code) for r in REASONS for s in r.starts]
    for one, code in starts:
        assert [c for s, c in starts if s.startswith(one) and c != code] == [], one


def _refusal(data: bytes) -> str:
    with pytest.raises(NotCsv) as refused:
        _, rows = read_rows(io.BytesIO(data))
        list(rows)
    return str(refused.value)


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        (_refusal(b""), "empty"),
        (_refusal(b"a,b\n1,\x81\x8d\n"), "not_text"),
        (_refusal("a,b\n".encode("utf-16")), "not_text"),
        (_refusal(b"a,b\n" + "1,é\n".encode() * 250_000 + b"1,\xe9\n"), "encoding_changed"),
        (_refusal(b'a,b\n1,"x\n'), "not_csv"),
        (_refusal(b"a,a\n"), "duplicate_column"),
        (_refusal(",".join(f"c{i}" for i in range(201)).encode() + b"\n"), "too_many_columns"),
        (_refusal(b"a,b\n" + b"x" * (1 << 20) + b"y\n"), "line_too_long"),
        ("missing required column: ss_code", "missing_column"),
        ("unknown kind: 'secrets'", "unknown_kind"),
        ("not an Excel workbook (.xlsx) that can be read: BadZipFile", "not_workbook"),
    ],
)
def test_each_reason_the_ingest_gives_is_explained_by_its_own_code(reason: str, code: str) -> None:
    assert explain(reason).code == code


def test_a_reason_not_in_the_catalogue_is_other_and_no_reason_is_none() -> None:
    assert explain("something new") is OTHER
    assert explain(None) is None and explain("") is None
