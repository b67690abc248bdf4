"""The short-code grammar: every syntax, every error reply, and no body that makes it raise."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.sms_grammar import (
    Help,
    OptIn,
    OptOut,
    Problem,
    QueryCard,
    QueryDossier,
    QueryTime,
    parse,
)
from chalicelib.domain.sms_replies import fit
from chalicelib.domain.text import count_segments, is_gsm7


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("BH QT 0110129425", QueryTime("0110129425")),
        ("bh qt 0110129425 012025 122025", QueryTime("0110129425", "2025-01", "2025-12")),
        ("BH QT 0110129425 2020 2025", QueryTime("0110129425", "2020-01", "2025-12")),
        ("BH QT 0110129425 2025 2025", QueryTime("0110129425", "2025-01", "2025-12")),
        ("  Bh   qt\t0110129425  ", QueryTime("0110129425")),
        ("BH THE HC4010110129425", QueryCard("HC4010110129425")),
        ("bh the hc4010110129425", QueryCard("HC4010110129425")),
        ("BH HS 03706/2026/07906", QueryDossier("03706/2026/07906")),
        ("bh hs 04486.g/2020/08708", QueryDossier("04486.G/2020/08708")),
        ("BH HUY", OptOut()),
        ("bh  huỷ", OptOut()),
        ("BH ĐK", OptIn()),
        ("bh dk", OptIn()),
        ("BH", Help()),
        ("BH XYZ", Help()),
        ("BH HUY NGAY", Help()),
        ("hello", Help()),
        ("", Help()),
        ("QT 0110129425", Help()),
    ],
)
def test_each_syntax_reads_the_same_whatever_the_case_diacritics_and_spaces(body, expected) -> None:
    assert parse(body) == expected


def test_vietnamese_letters_in_the_command_words_are_read_without_diacritics() -> None:
    assert parse("BH QT 0110129425 012025 122025") == QueryTime("0110129425", "2025-01", "2025-12")
    assert parse("Bh Thẻ hc4010110129425") == QueryCard("HC4010110129425")
    assert parse("BH HỦY") == OptOut()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("BH QT", "Thieu ma so BHXH"),
        ("BH QT 011012942", "Ma so BHXH phai gom 10 chu so: 011012942"),
        ("BH QT 01101294AB", "Ma so BHXH phai gom 10 chu so"),
        ("BH QT 0110129425 012025", "can dung 2 moc"),
        ("BH QT 0110129425 012025 022025 032025", "can dung 2 moc"),
        ("BH QT 0110129425 132025 122025", "Thang khong hop le: 132025"),
        ("BH QT 0110129425 002025 122025", "Thang khong hop le: 002025"),
        ("BH QT 0110129425 122025 012025", "bi dao nguoc: 122025 sau 012025"),
        ("BH QT 0110129425 2025 2020", "bi dao nguoc: 2025 sau 2020"),
        ("BH QT 0110129425 012025 2025", "cung dang MMYYYY hoac YYYY"),
        ("BH QT 0110129425 1-2025 12-2025", "cung dang MMYYYY hoac YYYY"),
        ("BH QT 0110129425 0900 2025", "Nam khong hop le: 0900"),
        ("BH QT 0110129425 011800 122025", "Thang khong hop le: 011800"),
        ("BH THE", "Thieu ma the BHYT"),
        ("BH THE HC6010110129425", "Ma the BHYT khong hop le: HC6010110129425"),
        ("BH THE HC40101101294", "Ma the BHYT khong hop le"),
        ("BH THE HC4010110129425 X", "Chi gui mot ma the BHYT"),
        ("BH HS", "Thieu so ho so"),
        ("BH HS 03706#2026", "So ho so khong hop le: 037062026"),
        ("BH HS " + "1" * 33, "So ho so khong hop le"),
    ],
)
def test_a_known_command_written_wrong_gets_a_reply_saying_what_is_wrong(body, says) -> None:
    result = parse(body)
    assert isinstance(result, Problem)
    assert says.lower() in result.reason.lower()
    assert is_gsm7(result.reason) and count_segments(fit(result.reason)).count <= 3


def test_a_problem_echoes_a_long_or_strange_word_shortened_and_safe() -> None:
    result = parse("BH QT " + "9" * 300 + "€🙂")
    assert isinstance(result, Problem)
    assert "9" * 20 + "..." in result.reason and "🙂" not in result.reason


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="BHQTEUYDKS0123456789 /.-_ĐđẻủỷÀ\t\n", max_size=60)))
def test_no_text_makes_the_parser_raise_and_every_result_is_a_command(body) -> None:
    result = parse(body)
    assert isinstance(result, QueryTime | QueryCard | QueryDossier | OptOut | OptIn | Help | Problem)
    if isinstance(result, Problem):
        assert count_segments(fit(result.reason)).count <= 3


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1900, 2100), st.integers(1, 12), st.integers(1900, 2100))
def test_any_two_real_months_give_a_range_or_say_it_is_reversed(m1, y1, m2, y2) -> None:
    result = parse(f"BH QT 0110129425 {m1:02d}{y1} {m2:02d}{y2}")
    if (y1, m1) <= (y2, m2):
        assert result == QueryTime("0110129425", f"{y1}-{m1:02d}", f"{y2}-{m2:02d}")
    else:
        assert isinstance(result, Problem) and "dao nguoc" in result.reason


def test_a_bounded_fuzz_run_of_mutated_real_bodies_never_raises() -> None:
    """20,000 bodies made by mutating real queries (seeded, so a failure can be replayed)."""
    seeds = ["BH QT 0110129425 012025 122025", "BH THE HC4010110129425", "BH HS 04486.G/2020/08708", "BH HUY"]
    alphabet = "BHQTEUYDKS0123456789 /.-_#Đđẻ€\x00\u200b🙂\n"
    rng = random.Random(7)
    for _ in range(20_000):
        chars = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            at = rng.randint(0, len(chars))
            action = rng.random()
            if action < 0.4:
                chars.insert(at, rng.choice(alphabet))
            elif action < 0.7 and chars:
                chars.pop(min(at, len(chars) - 1))
            elif chars:
                chars[min(at, len(chars) - 1)] = rng.choice(alphabet)
        parse("".join(chars))
    for odd in (None, 42, b"BH QT", ["BH", "QT"], {"BH": 1}):
        assert parse(odd) == Help()


@pytest.mark.parametrize(
    "body",
    [
        "BH QT ０１１０１２９４２５",  # fullwidth
        "BH QT ٠١١٠١٢٩٤٢٥",  # Arabic-Indic
        "BH QT 011012942५",  # one Devanagari digit
        "BH QT 0110129425 ０１2025 122025",
        "BH QT 0110129425 ٢٠٢٠ 2025",
        "BH THE HC401011012942５",
    ],
)
def test_only_ascii_digits_are_digits(body) -> None:
    command = parse(body)
    assert isinstance(command, Problem), command


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=12))
def test_no_query_ever_carries_a_non_ascii_digit(digits) -> None:
    for body in (f"BH QT {digits}", f"BH QT 0110129425 {digits} {digits}", f"BH THE HC4{digits}", f"BH HS {digits}"):
        command = parse(body)
        for value in vars(command).values() if not isinstance(command, Problem) else ():
            assert value is None or str(value).isascii(), (body, command)
