"""Benefits paid, health-care visits settled and the yearly statement: who is told, what the SMS
names, and that each fits one GSM-7 segment for any valid input."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.notices import Recipient
from chalicelib.domain.rules import decide
from chalicelib.domain.templates import BENEFIT_NAMES, render
from chalicelib.domain.text import count_segments, is_gsm7, shorten_words_to_fit, strip_diacritics
from chalicelib.domain.yearly import statement_year, yearly_notice
from chalicelib.ingest.kinds.catalog import BENEFITS

MAX_VND = 999_999_999_999
BENEFIT = {
    "kind": "benefit",
    "pk": "benefit#CT-1",
    "benefit_id": "CT-1",
    "ss_code": "0110129425",
    "benefit": "maternity",
    "amount_vnd": 155400000,
    "paid_on": "2026-11-11",
}
CLAIM = {
    "kind": "hi_claim",
    "pk": "hi_claim#GDYT-1",
    "claim_id": "GDYT-1",
    "card_no": "DN4400110129425",
    "facility": "Bệnh viện Đa khoa tỉnh Nghệ An",
    "visit_on": "2026-11-19",
    "total_vnd": 230000,
    "fund_paid_vnd": 218500,
}
_DATE = st.dates(date(1900, 1, 1), date(9999, 12, 31)).map(date.isoformat)
_WORD = st.text("abcdefghijklmnopqrstuvwxyzàáạảãăằắặẳẵâầấậẩẫđèéẹẻẽêềếệểễ", min_size=1, max_size=12)


def _one_segment(text: str) -> None:
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == ("GSM-7", 1), text


def test_a_new_benefit_tells_its_person_the_benefit_amount_and_day() -> None:
    [notice] = decide(None, BENEFIT)
    assert notice.dedupe_key == "benefit_paid#CT-1" and notice.recipient == Recipient("person", "0110129425")
    text = render(notice.template, notice.params)
    assert "tro cap thai san" in text and "155.400.000 dong" in text and "11/11/2026" in text
    assert decide(BENEFIT, {**BENEFIT, "amount_vnd": 1}) == []  # a correction is not a second payment


def test_every_benefit_has_a_name_without_diacritics() -> None:
    assert set(BENEFIT_NAMES) == set(BENEFITS)
    assert BENEFIT_NAMES["pension"] == "luong huu"
    assert all(is_gsm7(name) for name in BENEFIT_NAMES.values())


def test_a_settled_claim_tells_the_card_holder_the_facility_day_and_what_the_fund_paid() -> None:
    [notice] = decide(None, CLAIM)
    assert notice.dedupe_key == "hi_claim_settled#GDYT-1"
    assert notice.recipient == Recipient("person", "0110129425")  # the holder the card number embeds
    text = render(notice.template, notice.params)
    assert "Benh vien Da khoa tinh Nghe An" in text and "19/11/2026" in text and "218.500 dong" in text
    assert decide(CLAIM, {**CLAIM, "fund_paid_vnd": 1}) == []


def _facility_in(text: str) -> str:
    return text.split(" tai ", 1)[1].rsplit(" Neu khong di kham", 1)[0]


def test_a_long_facility_is_shortened_at_a_word_with_an_ellipsis() -> None:
    long = "Trung tâm Y tế huyện Diễn Châu, cơ sở khám chữa bệnh bảo hiểm y tế ban đầu, phòng khám đa khoa khu vực"
    text = render("hi_claim_settled", {**CLAIM, "facility": long, "fund_paid_vnd": str(MAX_VND)})
    _one_segment(text)
    shown = _facility_in(text)
    assert shown.endswith("...") and "...." not in text
    kept = shown[:-3].split()
    assert len(kept) >= 5 and kept == strip_diacritics(long).split()[: len(kept)]


@settings(max_examples=80, deadline=None)
@given(words=st.lists(_WORD, min_size=1, max_size=60), paid=st.integers(0, MAX_VND), visit=_DATE)
def test_a_settled_claim_fits_one_segment_and_never_cuts_a_word(words, paid, visit) -> None:
    facility = " ".join(words)
    [notice] = decide(
        None, {**CLAIM, "facility": facility, "fund_paid_vnd": paid, "total_vnd": paid, "visit_on": visit}
    )
    text = render(notice.template, notice.params)
    _one_segment(text)
    shown = _facility_in(text)
    whole = strip_diacritics(facility)
    if shown != f"{whole}.":
        assert shown.endswith("...")
        kept = shown[:-3].split()
        assert kept and kept == whole.split()[: len(kept)]  # whole words, in order


@settings(max_examples=60, deadline=None)
@given(facility=st.text(max_size=500), paid=st.integers(0, MAX_VND), visit=_DATE)
def test_any_facility_text_at_all_still_fits_one_segment(facility, paid, visit) -> None:
    params = {"facility": facility, "visit_on": visit, "fund_paid_vnd": str(paid)}
    _one_segment(render("hi_claim_settled", params))


@settings(max_examples=60, deadline=None)
@given(benefit=st.sampled_from(BENEFITS), amount=st.integers(0, MAX_VND), paid_on=_DATE)
def test_a_benefit_notice_fits_one_segment(benefit, amount, paid_on) -> None:
    [notice] = decide(None, {**BENEFIT, "benefit": benefit, "amount_vnd": amount, "paid_on": paid_on})
    _one_segment(render(notice.template, notice.params))


@settings(max_examples=60, deadline=None)
@given(year=st.integers(1900, 9999), si=st.integers(0, 12), ui=st.integers(0, 12))
def test_a_yearly_statement_fits_one_segment(year, si, ui) -> None:
    _one_segment(render("yearly_statement", {"year": str(year), "si_months": str(si), "ui_months": str(ui)}))


def test_words_are_kept_whole_and_a_lone_word_too_long_is_cut() -> None:
    fits = lambda text: len(text) <= 12  # noqa: E731
    assert shorten_words_to_fit("Bach Mai", fits) == "Bach Mai"
    assert shorten_words_to_fit("Benh vien Bach Mai", fits) == "Benh vien..."
    assert shorten_words_to_fit("Benhvienbachmai", fits) == "Benhvienb..."


def _month(period: str, si: int = 2550000, ui: int = 200000, status: str = "paid", unit: str = "TZH490L") -> dict:
    return {"period": period, "unit_code": unit, "si_vnd": si, "ui_vnd": ui, "status": status}


def test_the_statement_counts_each_paid_month_once_and_ui_apart_from_si() -> None:
    history = [_month(f"2026-{m:02d}") for m in range(1, 7)]
    history += [_month("2026-03", unit="HN7788B")]  # two units in one month: still one month
    history += [_month(f"2026-{m:02d}", ui=0) for m in range(7, 10)]  # no unemployment insurance
    history += [_month("2026-10", status="owed"), _month("2025-12")]  # owed: not yet earned; another year
    notice = yearly_notice("0110129425", 2026, history)
    assert notice is not None and notice.dedupe_key == "yearly_statement#0110129425#2026"
    assert notice.params == {"year": "2026", "si_months": "9", "ui_months": "6"}
    text = render(notice.template, notice.params)
    assert "Nam 2026" in text and "BHXH 9 thang" in text and "BHTN 6 thang" in text


def test_no_statement_without_a_contributed_month_and_it_is_about_the_year_before() -> None:
    assert yearly_notice("0110129425", 2026, [_month("2025-12"), _month("2026-01", status="owed")]) is None
    assert statement_year(date(2027, 1, 15)) == 2026
