"""Every kind: a good row becomes the record COMMON shapes fix, and each bad-row reason is given."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.clock import ICT
from chalicelib.domain.id_hash import hash_id_number, id_matches
from chalicelib.ingest.kinds import KINDS, Context, MissingIdHashKey, parse_row

KEY = b"test-only-id-hash-key"
CTX = Context(now=datetime(2026, 11, 25, 10, 0, tzinfo=ICT), id_hash_key=KEY)

GOOD = {
    "employers": {"unit_code": "tzh490l", "name": " Công ty TNHH Dệt may Hoàng Mai ", "rep_phone": "0912 345 678"},
    "people": {
        "ss_code": "0110129425",
        "full_name": "Nguyễn Thị Hương",
        "date_of_birth": "12/03/1990",
        "id_number": "040190001234",
        "phone": "+84 983 456 789",
        "unit_code": "TZH490L",
        "province_code": "40",
    },
    "history": {
        "ss_code": "0110129425",
        "unit_code": "TZH490L",
        "period": "10/2026",
        "salary_vnd": "10000000",
        "si_vnd": "2550000",
        "hi_vnd": "450000",
        "ui_vnd": "200000",
        "status": "Paid",
    },
    "payments": {"payment_id": "pt-0001", "unit_code": "TZH490L", "paid_on": "2026-11-05", "amount_vnd": "12500000"},
    "declarations": {
        "declaration_id": "D02-40-000123",
        "unit_code": "TZH490L",
        "ss_code": "0110129425",
        "plan": "dc",
        "effective_period": "2026-12",
        "salary_vnd": "8000000",
        "previous_salary_vnd": "10000000",
    },
    "dossiers": {
        "dossier_no": "04486.g/2020/08708",
        "procedure": "Cấp lại sổ BHXH",
        "submitter_phone": "0779001122",
        "status": "RECEIVED",
        "received_on": "2026-11-20",
        "appointment_on": "04/12/2026",
        "ss_code": "0110129425",
    },
    "hi_cards": {
        "card_no": "gd4400110129425",
        "ss_code": "0110129425",
        "valid_from": "01/01/2026",
        "valid_to": "31/12/2026",
        "household": "Y",
        "facility": "Trạm Y tế phường Hưng Bình",
    },
    "voluntary": {"ss_code": "0110129425", "months_per_payment": "24", "paid_to": "12/2026", "income_vnd": "5000000"},
    "arrears": {"unit_code": "TZH490L", "period": "2026-10", "owed_vnd": "45000000", "months_late": "1"},
    "benefits": {
        "benefit_id": "ct-2611-00001",
        "ss_code": "0110129425",
        "benefit": "Pension",
        "amount_vnd": "5432000",
        "paid_on": "14/11/2026",
        "period": "11/2026",
    },
    "hi_claims": {
        "claim_id": "gdyt-2611-000001",
        "card_no": "dn4400110129425",
        "facility": " Bệnh viện Đa khoa tỉnh Nghệ An ",
        "visit_on": "19/11/2026",
        "total_vnd": "230000",
        "fund_paid_vnd": "218500",
    },
}


def record_of(kind: str, row: dict[str, str], ctx: Context = CTX):
    record, errors = parse_row(KINDS[kind], row, ctx)
    assert errors == []
    return record


def errors_of(kind: str, **changes: str) -> list[tuple[str, str]]:
    row = {**GOOD[kind], **changes}
    record, errors = parse_row(KINDS[kind], row, CTX)
    assert record is None
    return [(e.column, e.reason) for e in errors]


def test_the_catalog_holds_the_eleven_kinds_of_the_contract() -> None:
    assert set(KINDS) == set(GOOD)


def test_an_employer_row_is_stored_with_an_upper_case_code_and_an_e164_phone() -> None:
    record = record_of("employers", GOOD["employers"])
    assert (record.table, record.key) == ("employers", "TZH490L")
    assert record.item == {
        "unit_code": "TZH490L",
        "name": "Công ty TNHH Dệt may Hoàng Mai",
        "rep_phone": "+84912345678",
    }


def test_a_person_is_stored_with_the_id_number_hashed_never_in_clear() -> None:
    record = record_of("people", GOOD["people"])
    assert record.table == "people" and record.key == "0110129425"
    assert "id_number" not in record.item and "040190001234" not in str(record.item)
    assert record.item["id_hash"] == hash_id_number("040190001234", KEY)
    assert id_matches("0401 9000 1234", record.item["id_hash"], KEY)
    assert not id_matches("040190001235", record.item["id_hash"], KEY)
    assert not id_matches("040190001234", record.item["id_hash"], b"another stage's key")
    assert record.item["date_of_birth"] == "1990-03-12" and record.item["phone"] == "+84983456789"


def test_a_person_without_an_id_number_needs_no_key_but_with_one_the_stage_must_have_a_key() -> None:
    row = {k: v for k, v in GOOD["people"].items() if k != "id_number"}
    assert "id_hash" not in record_of("people", row, Context(now=CTX.now)).item
    with pytest.raises(MissingIdHashKey):
        parse_row(KINDS["people"], GOOD["people"], Context(now=CTX.now))


def test_a_name_is_kept_exactly_but_in_nfc() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    record = record_of("people", {**GOOD["people"], "full_name": decomposed})
    assert record.item["full_name"] == "Nguyễn Thị Hương"
    assert unicodedata.is_normalized("NFC", record.item["full_name"])


def test_a_history_month_is_keyed_by_period_and_unit() -> None:
    record = record_of("history", GOOD["history"])
    assert record.table == "history"
    assert record.item["period_unit"] == "2026-10#TZH490L"
    assert record.item["period"] == "2026-10" and record.item["status"] == "paid"
    assert record.item["si_vnd"] == 2550000


def test_a_payment_becomes_a_ledger_fact_with_iso_values() -> None:
    record = record_of("payments", GOOD["payments"])
    assert record.item == {
        "pk": "payment#PT-0001",
        "kind": "payment",
        "facts": {"payment_id": "PT-0001", "unit_code": "TZH490L", "paid_on": "2026-11-05", "amount_vnd": 12500000},
    }


@pytest.mark.parametrize("amount", ["12.500.000", "12,500,000", " 12500000 "])
def test_money_grouped_by_thousands_as_excel_writes_it_is_the_same_amount(amount: str) -> None:
    record = record_of("payments", {**GOOD["payments"], "amount_vnd": amount})
    assert record.item["facts"]["amount_vnd"] == 12500000


def test_a_fact_carries_its_file_and_row_but_a_difference_in_them_alone_is_no_change() -> None:
    traced = record_of("payments", GOOD["payments"]).traced("incoming/payments/a.csv#7")
    assert traced.item["source"] == "incoming/payments/a.csv#7"
    assert "source" in traced.volatile


def test_only_facts_store_their_source() -> None:
    record = record_of("history", GOOD["history"])
    traced = record.traced("incoming/history/a.csv#2")
    assert traced.item == record.item and traced.origin == "incoming/history/a.csv#2"


def test_a_declaration_is_a_ledger_fact_found_by_person() -> None:
    item = record_of("declarations", GOOD["declarations"]).item
    assert item["pk"] == "declaration#D02-40-000123" and item["kind"] == "declaration"
    assert item["ss_code"] == "0110129425" and item["facts"]["plan"] == "DC"
    assert item["facts"]["effective_period"] == "2026-12" and "due_on" not in item


def test_every_d02_plan_code_of_the_domain_notes_is_accepted() -> None:
    for plan in ["TM", "TH", "TD", "TC", "ON", "GH", "GD", "GC", "KL", "OF", "TS", "DC", "SB", "AD", "CD", "AT"]:
        assert record_of("declarations", {**GOOD["declarations"], "plan": plan}).item["facts"]["plan"] == plan


def test_a_dossier_keeps_its_number_upper_case_and_its_submitter_in_e164() -> None:
    item = record_of("dossiers", GOOD["dossiers"]).item
    assert item["pk"] == "dossier#04486.G/2020/08708"
    assert item["facts"]["status"] == "received" and item["facts"]["submitter_phone"] == "+84779001122"
    assert item["facts"]["appointment_on"] == "2026-12-04" and item["ss_code"] == "0110129425"
    assert "ss_code" not in record_of("dossiers", {**GOOD["dossiers"], "ss_code": ""}).item


def test_a_household_card_is_reminded_thirty_days_before_it_expires() -> None:
    item = record_of("hi_cards", GOOD["hi_cards"]).item
    assert item["pk"] == "hi_card#GD4400110129425" and item["ss_code"] == "0110129425"
    assert item["facts"]["household"] is True and item["facts"]["valid_to"] == "2026-12-31"
    assert item["due_on"] == "2026-12-01"


def test_a_card_not_bought_by_a_household_has_no_reminder() -> None:
    for flag in ("N", "0", "false"):
        item = record_of("hi_cards", {**GOOD["hi_cards"], "card_no": "DN4790110129425", "household": flag}).item
        assert item["facts"]["household"] is False and "due_on" not in item


def test_a_voluntary_plan_is_reminded_thirty_days_before_its_paid_up_month_ends() -> None:
    item = record_of("voluntary", GOOD["voluntary"]).item
    assert item["pk"] == "voluntary#0110129425" and item["facts"]["paid_to"] == "2026-12"
    assert item["due_on"] == "2026-12-01"
    assert record_of("voluntary", {**GOOD["voluntary"], "paid_to": "2027-02"}).item["due_on"] == "2027-01-29"


def test_arrears_are_due_on_the_tenth_of_the_next_month_and_their_due_date_alone_is_no_change() -> None:
    record = record_of("arrears", {**GOOD["arrears"], "period": "2026-11"})
    assert record.item["pk"] == "arrears#TZH490L#2026-11" and record.item["due_on"] == "2026-12-10"
    assert record.volatile == {"due_on"}


def test_arrears_uploaded_after_their_tenth_are_due_at_the_next_daily_run() -> None:
    record = record_of("arrears", GOOD["arrears"])  # October's, uploaded 25 November at 10:00
    assert record.item["due_on"] == "2026-11-26" and record.item["facts"]["owed_vnd"] == 45000000


def test_a_benefit_is_a_ledger_fact_of_its_person() -> None:
    item = record_of("benefits", GOOD["benefits"]).item
    assert item["pk"] == "benefit#CT-2611-00001" and item["kind"] == "benefit"
    assert item["ss_code"] == "0110129425" and "due_on" not in item
    assert item["facts"] == {
        "benefit_id": "CT-2611-00001",
        "ss_code": "0110129425",
        "benefit": "pension",
        "amount_vnd": 5432000,
        "paid_on": "2026-11-14",
        "period": "2026-11",
    }


def test_a_settled_claim_is_found_by_the_card_holders_ss_code() -> None:
    item = record_of("hi_claims", GOOD["hi_claims"]).item
    assert item["pk"] == "hi_claim#GDYT-2611-000001" and item["kind"] == "hi_claim"
    assert item["ss_code"] == "0110129425"  # the card's embedded ss_code, for the by_person index
    assert item["facts"]["card_no"] == "DN4400110129425" and item["facts"]["visit_on"] == "2026-11-19"
    assert item["facts"]["facility"] == "Bệnh viện Đa khoa tỉnh Nghệ An"
    assert (item["facts"]["total_vnd"], item["facts"]["fund_paid_vnd"]) == (230000, 218500)


def test_the_fund_may_pay_the_whole_visit_but_no_more() -> None:
    assert record_of("hi_claims", {**GOOD["hi_claims"], "fund_paid_vnd": "230000"}).item["facts"]["fund_paid_vnd"]


BAD = [
    ("employers", {"unit_code": ""}, "unit_code", "required value missing"),
    ("employers", {"unit_code": "TZ"}, "unit_code", "unit_code must be 3-10 letters and digits"),
    ("employers", {"rep_phone": "024 3826 1234"}, "rep_phone", "not a mobile number (landlines cannot receive SMS)"),
    ("employers", {"province_code": "4"}, "province_code", "province_code must be 2 digits"),
    ("people", {"ss_code": "011012942"}, "ss_code", "ss_code must be 10 digits"),
    ("people", {"full_name": "  "}, "full_name", "required value missing"),
    ("people", {"date_of_birth": "30/02/1990"}, "date_of_birth", "impossible date: '30/02/1990'"),
    ("people", {"date_of_birth": "1990-3"}, "date_of_birth", "not a date (YYYY-MM-DD or DD/MM/YYYY): '1990-3'"),
    ("people", {"id_number": "12345"}, "id_number", "id_number must be 12 digits (CCCD) or 9 digits (CMND)"),
    ("people", {"phone": "01662345678"}, "phone", "old 11-digit number, renumbered in 2018: ********678"),
    ("people", {"phone": "+66812345678"}, "phone", "not a Vietnamese mobile number"),
    ("history", {"period": "13/2026"}, "period", "impossible month: '13/2026'"),
    ("history", {"salary_vnd": "-5"}, "salary_vnd", "not a whole number: '-5'"),
    ("history", {"si_vnd": "2.550,000"}, "si_vnd", "not a whole number: '2.550,000'"),
    ("history", {"status": "late"}, "status", "unknown status: 'late' (one of owed, paid)"),
    (
        "payments",
        {"payment_id": "PT 1"},
        "payment_id",
        "payment_id must be up to 64 letters, digits, '.', '_', '/', '-'",
    ),
    ("payments", {"amount_vnd": "12,5"}, "amount_vnd", "not a whole number: '12,5'"),
    ("payments", {"paid_on": "2026-11-31"}, "paid_on", "impossible date: '2026-11-31'"),
    ("payments", {"period": "2026-00"}, "period", "impossible month: '2026-00'"),
    ("declarations", {"plan": "XX"}, "plan", "unknown plan code: 'XX'"),
    ("declarations", {"ss_code": "01101294251"}, "ss_code", "ss_code must be 10 digits"),
    ("declarations", {"effective_period": ""}, "effective_period", "required value missing"),
    ("declarations", {"previous_salary_vnd": "1e7"}, "previous_salary_vnd", "not a whole number: '1e7'"),
    ("dossiers", {"dossier_no": "03706 2026 07906"}, "dossier_no", "dossier_no must be up to 32 letters"),
    ("dossiers", {"submitter_phone": "0243826123"}, "submitter_phone", "not a Vietnamese mobile number"),
    ("dossiers", {"status": "lost"}, "status", "unknown status: 'lost'"),
    ("dossiers", {"received_on": "2026/11/20"}, "received_on", "not a date"),
    ("dossiers", {"note": "Xac minh tai bit.ly/bhxh-hoso"}, "note", "url_in_note: a link to 'bit.ly'"),
    ("dossiers", {"note": "Nop: https://baohiemxahoi.gov.vn@evil.com"}, "note", "url_in_note: a link to 'evil.com'"),
    ("hi_cards", {"card_no": "GD440011012942"}, "card_no", "card_no must be 2 letters, a level 1-5"),
    ("hi_cards", {"card_no": "GD6400110129425"}, "card_no", "card_no must be 2 letters, a level 1-5"),
    ("hi_cards", {"card_no": "GD4400110129426"}, "card_no", "card_no does not embed the row's ss_code"),
    ("hi_cards", {"valid_to": "31/12/2025"}, "valid_to", "valid_to is before valid_from"),
    ("hi_cards", {"household": "maybe"}, "household", "not a flag (Y/N, 1/0, true/false): 'maybe'"),
    (
        "voluntary",
        {"months_per_payment": "5"},
        "months_per_payment",
        "months_per_payment must be 1, 3, 6, 12 or a multiple of 12",
    ),
    (
        "voluntary",
        {"months_per_payment": "0"},
        "months_per_payment",
        "months_per_payment must be 1, 3, 6, 12 or a multiple of 12",
    ),
    ("voluntary", {"paid_to": "2026-12-01"}, "paid_to", "not a month (YYYY-MM or MM/YYYY): '2026-12-01'"),
    ("voluntary", {"income_vnd": ""}, "income_vnd", "required value missing"),
    ("arrears", {"months_late": "-1"}, "months_late", "not a whole number of months: '-1'"),
    ("arrears", {"owed_vnd": "4500000000000000000000"}, "owed_vnd", "amount too large"),
    ("arrears", {"interest_vnd": "12.5"}, "interest_vnd", "not a whole number: '12.5'"),
    ("benefits", {"benefit": "bonus"}, "benefit", "unknown benefit: 'bonus' (one of accident, maternity"),
    ("benefits", {"amount_vnd": "5.432.00"}, "amount_vnd", "not a whole number: '5.432.00'"),
    ("benefits", {"amount_vnd": "1.5"}, "amount_vnd", "not a whole number: '1.5'"),
    ("benefits", {"paid_on": "31/11/2026"}, "paid_on", "impossible date: '31/11/2026'"),
    ("benefits", {"benefit_id": "CT 1"}, "benefit_id", "benefit_id must be up to 64 letters"),
    ("hi_claims", {"card_no": "DN440011012942"}, "card_no", "card_no must be 2 letters, a level 1-5"),
    ("hi_claims", {"fund_paid_vnd": "230001"}, "fund_paid_vnd", "fund_paid_vnd is more than total_vnd"),
    ("hi_claims", {"facility": ""}, "facility", "required value missing"),
    ("hi_claims", {"visit_on": "2026-11"}, "visit_on", "not a date"),
]


@pytest.mark.parametrize(("kind", "changes", "column", "reason"), BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD])
def test_a_bad_value_rejects_its_row_with_the_column_and_a_clear_reason(kind, changes, column, reason) -> None:
    [(got_column, got_reason)] = errors_of(kind, **changes)
    assert got_column == column
    assert got_reason.startswith(reason)


def test_a_note_may_name_the_agencys_own_site() -> None:
    note = "Tra cuu tai https://dichvucong.baohiemxahoi.gov.vn/tracuu"
    assert record_of("dossiers", {**GOOD["dossiers"], "note": note}).item["facts"]["note"] == note


def test_every_reason_of_a_row_is_given_one_per_column() -> None:
    assert errors_of("payments", payment_id="", amount_vnd="x") == [
        ("payment_id", "required value missing"),
        ("amount_vnd", "not a whole number: 'x'"),
    ]


def test_digits_from_other_scripts_are_not_codes_or_money() -> None:
    arabic = "٠١١٠١٢٩٤٢٥"
    assert errors_of("people", ss_code=arabic) == [("ss_code", "ss_code must be 10 digits")]
    assert errors_of("payments", amount_vnd="١٢")[0][0] == "amount_vnd"


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_required_column_of_each_kind_missing_rejects_the_row(kind) -> None:
    for column in KINDS[kind].required:
        assert errors_of(kind, **{column: " "}) == [(column, "required value missing")]


CODE_COLUMNS = {"ss_code": "12345", "unit_code": "A!", "card_no": "XX", "dossier_no": "a b", "phone": "12345"}


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_code_and_phone_column_of_each_kind_rejects_a_malformed_value(kind) -> None:
    for column in KINDS[kind].columns:
        bad = next((v for name, v in CODE_COLUMNS.items() if column.endswith(name)), None)
        if bad is None:
            continue
        [(got, reason)] = errors_of(kind, **{column: bad})
        assert got == column and reason


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_date_month_and_money_column_of_each_kind_rejects_impossible_values(kind) -> None:
    for column in KINDS[kind].columns:
        if column.endswith(("_on", "date_of_birth", "valid_from", "valid_to")):
            assert errors_of(kind, **{column: "31/04/2026"}) == [(column, "impossible date: '31/04/2026'")]
        elif column in ("period", "effective_period", "paid_to"):
            assert errors_of(kind, **{column: "2026-13"}) == [(column, "impossible month: '2026-13'")]
        elif column.endswith("_vnd"):
            assert errors_of(kind, **{column: "-1"}) == [(column, "not a whole number: '-1'")]
