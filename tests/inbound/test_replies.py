"""The answers' texts: the contract's wording, no diacritics, three segments at most for the
longest values the data may hold."""

from __future__ import annotations

from datetime import date

from chalicelib.domain import sms_replies as r
from chalicelib.domain.text import count_segments, is_gsm7

LONGEST_CARD = "HC4010110129425"
LONGEST_DOSSIER = "A" * 32


def _fits(text: str) -> bool:
    return is_gsm7(text) and count_segments(text).count <= 3 and text == r.strip_diacritics(text)


def test_months_are_told_as_years_and_months() -> None:
    assert r.years_months(115) == "9 nam 7 thang"
    assert r.years_months(0) == "0 nam 0 thang"
    assert r.years_months(12) == "1 nam 0 thang"


def test_the_time_reply_names_the_code_both_funds_and_the_range() -> None:
    assert r.time_reply("0110129425", 115, 104, None, None) == (
        "Ma so BHXH 0110129425: thoi gian tham gia BHXH 9 nam 7 thang; BHTN 8 nam 8 thang."
    )
    assert "tu 01/2025 den 12/2025" in r.time_reply("0110129425", 12, 12, "2025-01", "2025-12")


def test_every_reply_fits_three_gsm7_segments_for_the_longest_values() -> None:
    huge = "Bệnh viện Đa khoa “Hữu Nghị” – " * 40 + "🙂"
    texts = [
        r.time_reply("0110129425", 12 * 99 + 11, 12 * 99 + 11, "1900-01", "2100-12"),
        r.not_registered("0110129425"),
        r.card_reply(
            LONGEST_CARD, {"valid_from": "2026-01-01", "valid_to": "2026-12-31", "facility": huge}, date(2026, 11, 25)
        ),
        r.card_unknown(LONGEST_CARD),
        r.dossier_reply(
            LONGEST_DOSSIER,
            {"status": "returned", "received_on": "2026-01-02", "completed_on": "2026-02-03", "note": huge},
            with_note=True,
        ),
        r.dossier_reply(
            LONGEST_DOSSIER, {"status": "received", "received_on": "2026-01-02", "appointment_on": "2026-02-03"}
        ),
        r.dossier_unknown(LONGEST_DOSSIER),
        r.HELP,
        r.TOO_MANY,
        r.OPTED_OUT,
        r.OPTED_IN,
        r.fit(huge * 10),
    ]
    for text in texts:
        assert _fits(text), (count_segments(text), text)
    assert "Huu Nghi" in texts[2] and '"' in texts[2]


def test_the_card_reply_names_validity_facility_and_whether_it_still_holds() -> None:
    facts = {"valid_from": "2026-01-01", "valid_to": "2026-12-31", "facility": "Trạm y tế phường Hưng Bình"}
    text = r.card_reply(LONGEST_CARD, facts, date(2026, 11, 25))
    assert text == (
        "The BHYT HC4010110129425, noi DKKCB ban dau Tram y te phuong Hung Binh, "
        "gia tri su dung tu 01/01/2026 den 31/12/2026 (con gia tri)."
    )
    assert "(da het han)" in r.card_reply(LONGEST_CARD, facts, date(2027, 1, 1))


def test_the_dossier_reply_names_its_state_and_date() -> None:
    assert r.dossier_reply("03706/2026/07906", {"status": "completed", "completed_on": "2026-11-20"}) == (
        "Ho so 03706/2026/07906: da xu ly xong, vui long den nhan ket qua (ngay 20/11/2026)."
    )
    received = r.dossier_reply(
        "03706/2026/07906", {"status": "received", "received_on": "2026-11-02", "appointment_on": "2026-11-16"}
    )
    assert received == "Ho so 03706/2026/07906: da tiep nhan ngay 02/11/2026, hen tra ket qua ngay 16/11/2026."
    returned = r.dossier_reply("X1", {"status": "returned", "note": "Thiếu sổ BHXH"}, with_note=True)
    assert returned == "Ho so X1: bi tra lai, ly do: Thieu so BHXH."
    assert r.dossier_reply("X1", {"status": "returned", "note": "Thiếu sổ BHXH"}) == "Ho so X1: bi tra lai."
