"""The contract's routes: contributions with owed months and totals by one Query, the card and the
plan, the public card check and dossier status, errors in the contract's shape, the OpenAPI spec."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from tests.api.conftest import ANNA, BINH

CARD = f"HC401{ANNA}"


def test_health_answers_ok(api) -> None:
    assert api.get("/health").body == {"status": "ok"}


def test_me_names_the_person_with_a_masked_phone(api, people, sign_in) -> None:
    assert api.get("/v1/me", sign_in(ANNA)).body == {
        "ss_code": ANNA,
        "full_name": "Nguyễn Thị Ánh",
        "date_of_birth": "1990-04-12",
        "unit_code": "TZH490L",
        "masked_phone": "********678",
    }


def test_contributions_list_every_month_with_owed_ones_marked_and_totals(api, people, sign_in) -> None:
    body = api.get("/v1/me/contributions", sign_in(ANNA)).body
    assert [m["period"] for m in body["months"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert [m["period"] for m in body["months"] if m["status"] == "owed"] == ["2025-11", "2025-12"]
    assert body["months"][0] == {
        "period": "2025-01",
        "unit_code": "TZH490L",
        "salary_vnd": 8_000_000,
        "si_vnd": 2_040_000,
        "hi_vnd": 360_000,
        "ui_vnd": 160_000,
        "status": "paid",
        "flag": None,  # not flagged (tests/api/test_flags.py: a flagged month's state)
    }
    assert body["totals"] == {"si_months": 10, "ui_months": 10, "owed_months": 2}


@pytest.mark.parametrize(
    ("query", "periods"),
    [
        ("?from=2025-10&to=2025-11", ["2025-10", "2025-11"]),
        ("?from=11/2025", ["2025-11", "2025-12"]),
        ("?to=2025-02", ["2025-01", "2025-02"]),
        ("?from=2025-03&to=2025-03", ["2025-03"]),
        ("?from=2030-01", []),
    ],
)
def test_contributions_keep_to_the_months_asked_for(api, people, sign_in, query, periods) -> None:
    body = api.get("/v1/me/contributions" + query, sign_in(ANNA)).body
    assert [m["period"] for m in body["months"]] == periods


def test_a_month_worked_at_two_units_counts_once(api, people, make, sign_in) -> None:
    make.month("2025-03", ss=ANNA, unit="YN0123A")
    body = api.get("/v1/me/contributions?from=2025-03&to=2025-03", sign_in(ANNA)).body
    assert len(body["months"]) == 2 and body["totals"]["si_months"] == 1


def test_contributions_are_read_by_a_single_query_and_their_flags_by_one_batch_get(
    api, people, sign_in, dynamo_calls
) -> None:
    token = sign_in(ANNA)
    dynamo_calls.clear()
    api.get("/v1/me/contributions?from=2025-01&to=2025-12", token)
    assert [op for op, _ in dynamo_calls] == ["Query", "BatchGetItem"]
    assert dynamo_calls[0] == ("Query", "bhxh-local-history")


@pytest.mark.parametrize(
    ("query", "field"), [("?from=2025-13", "from"), ("?to=abc", "to"), ("?from=2025-06&to=2025-05", "from")]
)
def test_a_bad_month_is_a_400_naming_it(api, people, sign_in, query, field) -> None:
    answer = api.get("/v1/me/contributions" + query, sign_in(ANNA))
    assert answer.status == 400 and answer.body["error"]["message"].startswith(f"{field}:")


@pytest.mark.parametrize(
    ("today", "status"), [("2026-11-14", "valid"), ("2026-11-15", "expiring"), ("2026-12-16", "expired")]
)
def test_the_health_card_says_whether_it_is_valid_expiring_or_expired(api, people, sign_in, clock, today, status):
    clock.set(clock.now.replace(year=int(today[:4]), month=int(today[5:7]), day=int(today[8:])))
    assert api.get("/v1/me/hi-card", sign_in(ANNA)).body == {
        "card_no": CARD,
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-15",
        "household": True,
        "facility": "Bệnh viện Đa khoa Nghệ An",
        "status": status,
    }


def test_the_voluntary_plan_says_how_far_it_is_paid(api, people, sign_in, clock) -> None:
    token = sign_in(ANNA)
    assert api.get("/v1/me/voluntary", token).body == {
        "months_per_payment": 3,
        "paid_to": "2027-03",
        "income_vnd": 5_000_000,
        "status": "paid_up",
    }
    clock.set(clock.now.replace(year=2027, month=3, day=10))
    assert api.get("/v1/me/voluntary", sign_in(ANNA)).body["status"] == "due"
    clock.set(clock.now.replace(year=2027, month=4, day=1))
    assert api.get("/v1/me/voluntary", sign_in(ANNA)).body["status"] == "lapsed"


@pytest.mark.parametrize(
    ("name", "born"),
    [
        ("Nguyễn Thị Ánh", "1990-04-12"),
        ("nguyen thi anh", "12/04/1990"),
        ("  NGUYEN   THI  ANH ", "1990-04-12"),
        ("Nguyên Thi Anh", "1990-04-12"),
    ],
)
def test_a_card_check_answers_validity_when_all_three_match(api, people, name, born) -> None:
    answer = api.post("/v1/hi-cards/check", {"card_no": CARD.lower(), "full_name": name, "date_of_birth": born})
    assert answer.status == 200
    assert answer.body == {"card_no": CARD, "valid_from": "2026-01-01", "valid_to": "2026-12-15", "status": "expiring"}


@pytest.mark.parametrize(
    "details",
    [
        {"card_no": f"HC401{BINH}", "full_name": "Trần Văn Bình", "date_of_birth": "1985-01-30"},  # no such card
        {"card_no": "HC4010999999999", "full_name": "Nguyễn Thị Ánh", "date_of_birth": "1990-04-12"},
        {"card_no": CARD, "full_name": "Nguyễn Thị Anh Đào", "date_of_birth": "1990-04-12"},
        {"card_no": CARD, "full_name": "Nguyễn Thị Ánh", "date_of_birth": "1990-04-13"},
    ],
)
def test_a_card_check_is_the_same_404_for_unknown_and_mismatched(api, people, details) -> None:
    answer = api.post("/v1/hi-cards/check", details)
    assert answer.status == 404
    assert answer.body["error"]["code"] == "not_found"
    assert answer.body["error"]["message"] == "no card matches these details"


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"card_no": "HC40101", "full_name": "A", "date_of_birth": "1990-04-12"}, "card_no"),
        ({"card_no": CARD, "full_name": "", "date_of_birth": "1990-04-12"}, "full_name"),
        ({"card_no": CARD, "full_name": "A", "date_of_birth": "31/02/1990"}, "date_of_birth"),
        ({"card_no": CARD, "full_name": ["A"], "date_of_birth": "1990-04-12"}, "full_name"),
    ],
)
def test_a_bad_card_check_is_a_400_naming_the_field(api, people, details, field) -> None:
    answer = api.post("/v1/hi-cards/check", details)
    assert answer.status == 400 and answer.body["error"]["message"].startswith(f"{field}:")


def test_a_client_gets_at_most_30_card_checks_an_hour(api, people, clock) -> None:
    clock.set(clock.now.replace(minute=0, second=0))
    details = {"card_no": CARD, "full_name": "Nguyễn Thị Ánh", "date_of_birth": "1990-01-01"}
    statuses = [api.post("/v1/hi-cards/check", details).status for _ in range(31)]
    assert statuses == [404] * 30 + [429]
    clock.advance(hours=1)
    assert api.post("/v1/hi-cards/check", {**details, "date_of_birth": "1990-04-12"}).status == 200


def test_a_dossier_answers_its_status_and_dates_and_nothing_personal(api, people) -> None:
    answer = api.get("/v1/dossiers?no=03706%2F2026%2F07906")
    assert answer.body == {
        "dossier_no": "03706/2026/07906",
        "procedure": "cap lai so BHXH",
        "status": "processing",
        "received_on": "2026-11-02",
        "appointment_on": "2026-11-20",
        "completed_on": None,
    }


@pytest.mark.parametrize(("query", "status"), [("?no=99999/2026/00000", 404), ("?no=a%20b", 400), ("", 400)])
def test_an_unknown_or_malformed_dossier_number_is_refused(api, people, query, status) -> None:
    answer = api.get("/v1/dossiers" + query)
    assert answer.status == status and set(answer.body["error"]) == {"code", "message", "messages"}


def test_a_client_gets_at_most_60_dossier_lookups_an_hour_then_429_with_retry_after(api, people, clock) -> None:
    clock.set(clock.now.replace(minute=45, second=0))
    statuses = [api.get(f"/v1/dossiers?no=9{n:04d}%2F2026%2F00000").status for n in range(60)]
    assert statuses == [404] * 60  # numbers tried one by one: each lookup counts, found or not
    refused = api.get("/v1/dossiers?no=03706%2F2026%2F07906")
    assert refused.status == 429 and refused.body["error"]["code"] == "too_many_requests"
    assert refused.headers["retry-after"] == "900"
    clock.advance(minutes=15)
    assert api.get("/v1/dossiers?no=03706%2F2026%2F07906").status == 200


def test_the_openapi_description_is_valid_and_names_every_route(api) -> None:
    import app as chalice_app

    spec = api.get("/openapi.json").body
    validate(spec)
    described = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    served = {(path, method) for path, entry in chalice_app.app.routes.items() for method in entry}
    assert served <= described
    assert ("/sms/inbound", "POST") in described


def test_the_page_is_vietnamese_first_with_an_english_switch(api) -> None:
    answer = api._answer(api.client.http.get("/"))
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.body.decode("utf-8")
    assert '<html lang="vi">' in page and 'name="viewport"' in page
    assert "Tra cứu Bảo hiểm xã hội" in page and 'id="lang-switch"' in page and "English" in page


_ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        name: _ANYTHING | st.text(alphabet=string.digits + string.ascii_letters + "/.-", max_size=20)
        for name in ("ss_code", "request_id", "otp", "card_no", "full_name", "date_of_birth")
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(["/v1/otp", "/v1/token", "/v1/hi-cards/check"]), body=_FIELDS | _ANYTHING)
def test_bad_input_never_gives_a_server_error(api, clock, path, body) -> None:
    clock.advance(hours=1)  # keep clear of the rate limits: this is about shapes, not counts
    answer = api.post(path, None, raw=json.dumps(body).encode())
    assert answer.status in (202, 400, 401, 404), answer  # 429 cannot come: each example has its own hour
    if answer.status != 202:
        assert set(answer.body["error"]) == {"code", "message", "messages"}
