"""decide() and remind() for every notice of the contract: pure, no AWS."""

from datetime import date

import pytest

from chalicelib.domain.notices import Recipient
from chalicelib.domain.reminders import remind
from chalicelib.domain.rules import decide

DECLARATION = {
    "kind": "declaration",
    "pk": "declaration#D-1",
    "declaration_id": "D-1",
    "unit_code": "TZH490L",
    "ss_code": "0110129425",
    "plan": "GH",
    "effective_period": "2026-11",
}
DOSSIER = {
    "kind": "dossier",
    "pk": "dossier#03706/2026/07906",
    "dossier_no": "03706/2026/07906",
    "procedure": "600",
    "submitter_phone": "+84912345678",
    "status": "received",
    "received_on": "2026-11-20",
    "appointment_on": "2026-12-01",
}
TODAY = date(2026, 11, 25)
CARD = {
    "kind": "hi_card",
    "pk": "hi_card#GD4790110129425",
    "card_no": "GD4790110129425",
    "ss_code": "0110129425",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-25",
    "household": True,
    "due_on": "2026-11-25",
}
PLAN = {
    "kind": "voluntary",
    "pk": "voluntary#0110129425",
    "ss_code": "0110129425",
    "months_per_payment": 3,
    "paid_to": "2026-12",
    "income_vnd": 5000000,
    "due_on": "2026-11-25",
}
ARREARS = {
    "kind": "arrears",
    "pk": "arrears#TZH490L#2026-10",
    "unit_code": "TZH490L",
    "period": "2026-10",
    "owed_vnd": 150000000,
    "months_late": 2,
    "due_on": "2026-11-25",
}


@pytest.mark.parametrize(
    ("plan", "template"),
    [
        *[(p, "contribution_stopped") for p in ("GH", "GD", "GC")],
        *[(p, "contribution_paused") for p in ("KL", "OF", "TS")],
    ],
)
def test_a_stop_or_pause_plan_tells_the_employee_by_declaration_id(plan: str, template: str) -> None:
    [notice] = decide(None, {**DECLARATION, "plan": plan})
    assert (notice.template, notice.dedupe_key) == (template, f"{template}#D-1")
    assert notice.recipient == Recipient("person", "0110129425")
    assert (notice.params["unit_code"], notice.params["month"]) == ("TZH490L", "2026-11")


def test_a_salary_adjustment_downwards_tells_the_new_salary_and_upwards_tells_nothing() -> None:
    lower = {**DECLARATION, "plan": "DC", "salary_vnd": 8000000, "previous_salary_vnd": 9000000}
    [notice] = decide(None, lower)
    assert notice.template == "contribution_reduced" and notice.params["salary_vnd"] == "8000000"
    assert decide(None, {**lower, "plan": "SB"})[0].template == "contribution_reduced"
    assert decide(None, {**lower, "salary_vnd": 9500000}) == []
    assert decide(None, {**lower, "salary_vnd": 9000000}) == []
    assert decide(None, {**lower, "previous_salary_vnd": None}) == []


@pytest.mark.parametrize("plan", ["TM", "TH", "TD", "ON", "AD", "CD", "AT", "TN", "XX"])
def test_other_plan_codes_are_accepted_and_tell_nothing(plan: str) -> None:
    assert decide(None, {**DECLARATION, "plan": plan}) == []


def test_a_declaration_seen_again_unchanged_decides_nothing() -> None:
    assert decide(DECLARATION, DECLARATION) == []


def test_a_new_dossier_tells_the_submitter_it_was_received_with_the_appointment() -> None:
    [notice] = decide(None, DOSSIER)
    assert notice.template == "dossier_received"
    assert notice.dedupe_key == "dossier_received#03706/2026/07906"
    assert notice.recipient == Recipient("phone", "+84912345678")
    assert notice.params["appointment_on"] == "2026-12-01"
    assert "appointment_on" not in decide(None, {**DOSSIER, "appointment_on": None})[0].params


@pytest.mark.parametrize("status", ["completed", "returned"])
def test_a_dossier_becoming_completed_or_returned_tells_that_once(status: str) -> None:
    done = {**DOSSIER, "status": status, "note": "Thiếu giấy tờ"}
    [notice] = decide(DOSSIER, done)
    assert notice.template == f"dossier_{status}"
    assert notice.dedupe_key == f"dossier_{status}#03706/2026/07906"
    assert decide(done, done) == []
    assert decide(DOSSIER, {**DOSSIER, "status": "processing"}) == []


def test_a_dossier_first_seen_already_completed_tells_only_that_it_is_completed() -> None:
    [notice] = decide(None, {**DOSSIER, "status": "completed"})
    assert notice.template == "dossier_completed"


@pytest.mark.parametrize("record", [CARD, PLAN, ARREARS])
def test_reminder_records_tell_nothing_when_they_arrive(record: dict) -> None:
    assert decide(None, record) == []


def test_a_household_card_due_today_tells_its_holder_the_card_and_expiry() -> None:
    [notice] = remind(CARD, TODAY)
    assert notice.template == "hi_card_expiring"
    assert notice.dedupe_key == "hi_card_expiring#GD4790110129425#2026-12-25"
    assert notice.recipient == Recipient("person", "0110129425")
    assert notice.params == {"card_no": "GD4790110129425", "valid_to": "2026-12-25"}


def test_a_card_not_of_a_household_or_not_yet_due_tells_nothing() -> None:
    assert remind({**CARD, "household": False}, TODAY) == []
    assert remind({**CARD, "household": "N"}, TODAY) == []
    assert remind(CARD, date(2026, 11, 24)) == []


@pytest.mark.parametrize("record", [CARD, PLAN, ARREARS])
def test_a_reminder_whose_day_was_missed_is_told_at_a_later_run(record: dict) -> None:
    assert remind(record, date(2026, 11, 28)) == remind(record, TODAY) != []


def test_a_missed_reminder_is_not_told_once_what_it_warns_of_has_passed() -> None:
    assert remind(CARD, date(2026, 12, 25)) != []  # the card still holds on its last day
    assert remind(CARD, date(2026, 12, 26)) == []
    assert remind({**PLAN, "paid_to": "2026-11"}, date(2026, 11, 30)) != []
    assert remind({**PLAN, "paid_to": "2026-11"}, date(2026, 12, 1)) == []


def test_catching_up_looks_back_thirty_days_at_most() -> None:
    assert remind(ARREARS, date(2026, 12, 25)) != []
    assert remind(ARREARS, date(2026, 12, 26)) == []


def test_a_voluntary_plan_running_out_tells_the_contributor_the_last_month_paid() -> None:
    [notice] = remind(PLAN, TODAY)
    assert (notice.template, notice.dedupe_key) == ("voluntary_due", "voluntary_due#0110129425#2026-12")
    assert notice.params == {"paid_to": "2026-12"}


def test_arrears_tell_the_representative_and_every_employee_when_months_late() -> None:
    employer, employees = remind(ARREARS, TODAY)
    assert (employer.template, employer.dedupe_key) == ("arrears", "arrears#TZH490L#2026-10")
    assert employer.recipient == Recipient("employer", "TZH490L")
    assert employer.params == {"unit_code": "TZH490L", "owed_vnd": "150000000", "month": "2026-10"}
    assert employees.template == "arrears_employee"
    assert employees.recipient == Recipient("unit_employees", "TZH490L")


def test_arrears_not_yet_late_tell_only_the_representative() -> None:
    [notice] = remind({**ARREARS, "months_late": 0}, TODAY)
    assert notice.template == "arrears"
