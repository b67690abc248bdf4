"""Every notice renders its facts in plain Vietnamese, in one GSM-7 segment for any valid input."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.coverage import month_end
from chalicelib.domain.reminders import remind
from chalicelib.domain.rules import decide
from chalicelib.domain.templates import TEMPLATES, render
from chalicelib.domain.text import count_segments, is_gsm7, strip_diacritics, to_gsm7
from tests.domain.test_notice_rules import ARREARS, CARD, DECLARATION, DOSSIER, PLAN

NOTICES = sorted(set(TEMPLATES) - {"otp", "query_reply"})
MAX_VND = 999_999_999_999  # a trillion VND: more than any one row holds (see docs/design-notes.md)

_UNIT = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=10)
_DOSSIER_NO = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-", min_size=1, max_size=32)
_DATE = st.dates(date(1900, 1, 1), date(9999, 12, 31)).map(date.isoformat)
_MONTH = _DATE.map(lambda d: d[:7])
_VND = st.integers(0, MAX_VND)
_NOTE = st.text(max_size=400)  # any Unicode at all: the note is shortened and made GSM-7


def _one_segment(text: str) -> None:
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == ("GSM-7", 1), text


def _render_all(notices) -> list[str]:
    return [render(n.template, n.params) for n in notices]


def test_every_notice_of_the_contract_has_its_template() -> None:
    assert set(NOTICES) >= {
        "payment_received",
        "contribution_stopped",
        "contribution_paused",
        "contribution_reduced",
        "dossier_received",
        "dossier_completed",
        "dossier_returned",
        "voluntary_due",
        "hi_card_expiring",
        "arrears",
        "arrears_employee",
    }


@settings(max_examples=60, deadline=None)
@given(
    unit=_UNIT,
    month=_MONTH,
    salary=_VND,
    plan=st.sampled_from(["GH", "GD", "GC", "KL", "OF", "TS", "DC", "SB"]),
    payment=st.builds(dict, amount_vnd=_VND, paid_on=_DATE, payment_id=st.just("P")),
)
def test_payments_and_declarations_fit_one_segment(unit, month, salary, plan, payment) -> None:
    declaration = {**DECLARATION, "unit_code": unit, "effective_period": month, "plan": plan}
    declaration.update(salary_vnd=salary, previous_salary_vnd=salary + 1)
    notices = decide(None, declaration) + decide(None, {"kind": "payment", "unit_code": unit, **payment})
    assert len(notices) == 2
    for text in _render_all(notices):
        _one_segment(text)


@settings(max_examples=60, deadline=None)
@given(
    number=_DOSSIER_NO,
    appointment=st.one_of(st.none(), _DATE),
    note=_NOTE,
    done=st.sampled_from(["completed", "returned"]),
)
def test_dossier_notices_fit_one_segment_with_the_note_shortened(number, appointment, note, done) -> None:
    received = {**DOSSIER, "dossier_no": number, "appointment_on": appointment}
    notices = decide(None, received) + decide(received, {**received, "status": done, "note": note})
    assert [n.template for n in notices] == ["dossier_received", f"dossier_{done}"]
    for text in _render_all(notices):
        _one_segment(text)
        assert number in text


@settings(max_examples=60, deadline=None)
@given(
    unit=_UNIT,
    month=_MONTH,
    owed=_VND,
    level=st.integers(1, 5),
    province=st.integers(0, 99),
    ss=st.text("0123456789", min_size=10, max_size=10),
    valid_to=_DATE,
)
def test_reminders_fit_one_segment(unit, month, owed, level, province, ss, valid_to) -> None:
    def due(day: date) -> dict:  # each record told on its own day, before what it warns of has passed
        return {"due_on": day.isoformat()}

    card_day, plan_day, arrears_day = date.fromisoformat(valid_to), month_end(month), date(2026, 11, 25)
    card = {**CARD, **due(card_day), "card_no": f"GD{level}{province:02d}{ss}", "valid_to": valid_to}
    plan = {**PLAN, **due(plan_day), "paid_to": month}
    arrears = {**ARREARS, **due(arrears_day), "unit_code": unit, "period": month, "owed_vnd": owed}
    notices = remind(card, card_day) + remind(plan, plan_day) + remind(arrears, arrears_day)
    assert len(notices) == 4
    for text in _render_all(notices):
        _one_segment(text)


def test_each_notice_names_its_facts_as_the_contract_writes_them() -> None:
    texts = {
        "stopped": render("contribution_stopped", {"unit_code": "TZH490L", "month": "2026-11"}),
        "reduced": render(
            "contribution_reduced", {"unit_code": "TZH490L", "month": "2026-11", "salary_vnd": "8000000"}
        ),
        "card": render("hi_card_expiring", {"card_no": "GD4790110129425", "valid_to": "2026-12-25"}),
        "arrears": render("arrears", {"unit_code": "TZH490L", "owed_vnd": "150000000", "month": "2026-10"}),
        "employee": render("arrears_employee", {"unit_code": "TZH490L", "month": "2026-10"}),
        "received": render("dossier_received", {"dossier_no": "03706/2026/07906", "appointment_on": "2026-12-01"}),
    }
    assert "TZH490L" in texts["stopped"] and "11/2026" in texts["stopped"]
    assert "8.000.000 dong" in texts["reduced"] and "11/2026" in texts["reduced"]
    assert "GD4790110129425" in texts["card"] and "25/12/2026" in texts["card"]
    assert "150.000.000 dong" in texts["arrears"] and "10/2026" in texts["arrears"]
    assert "TZH490L" in texts["employee"] and "10/2026" in texts["employee"]
    assert "03706/2026/07906" in texts["received"] and "01/12/2026" in texts["received"]


def test_a_returned_dossier_keeps_its_note_stripped_and_cut_with_an_ellipsis() -> None:
    short = render("dossier_returned", {"dossier_no": "03706/2026/07906", "note": "Thiếu giấy chứng nhận"})
    assert short.endswith("Ly do: Thieu giay chung nhan")
    long = render("dossier_returned", {"dossier_no": "03706/2026/07906", "note": "Thiếu giấy tờ đ " * 40})
    assert long.endswith("...") and count_segments(long).units <= 160 and is_gsm7(long)
    assert "đ" not in long and "Thieu giay to d" in long


def test_a_long_note_is_cut_between_words_never_inside_one() -> None:
    note = "Thiếu bản sao giấy khai sinh có chứng thực của người lao động " * 6
    text = render("dossier_returned", {"dossier_no": "03706/2026/07906", "note": note})
    assert count_segments(text).count == 1
    kept = text.split("Ly do: ", 1)[1].removesuffix("...").split()
    assert kept and set(kept) <= set(to_gsm7(strip_diacritics(note)).split())


def test_a_unicode_stage_keeps_the_notes_letters_and_counts_it_as_ucs2() -> None:
    text = render("dossier_returned", {"dossier_no": "A1", "note": "Thiếu giấy tờ đất đai " * 5}, unicode=True)
    assert "Thiếu" in text
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == ("UCS-2", 1)


def test_free_text_outside_the_gsm7_alphabet_becomes_sendable() -> None:
    text = render("dossier_returned", {"dossier_no": "A1", "note": "Hồ sơ “sai” 😀\nlàm lại"})
    assert is_gsm7(text) and text.endswith("Ly do: Ho so ?sai? ? lam lai")


def test_a_closed_case_names_its_code_and_a_case_without_one_or_with_a_bad_one_reads_as_before() -> None:
    month = {"flag": "unpaid_month", "month": "2026-10"}
    coded = render("case_closed", {**month, "case_code": "BHXH-40-2612-0042"})
    assert coded == (
        "BHXH VN: Phan anh ma BHXH-40-2612-0042 cua ban ve thang 10/2026 chua duoc dong BHXH da duoc"
        " co quan BHXH xu ly xong. Chi tiet xin goi 1900 9068."
    )
    _one_segment(coded)
    plain = render("case_closed", month)
    assert plain.startswith("BHXH VN: Phan anh cua ban ve thang 10/2026")
    assert render("case_closed", {**month, "case_code": "x" * 200}) == plain  # only a code's shape is sent
