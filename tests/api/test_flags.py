"""A signed-in person's settled visits (`GET /v1/me/claims`) and their flags (`POST /v1/me/flags`): only
their own facts, one flag per fact, each opening a case with only what the person was shown and a
readable code (`BHXH-40-2611-0001`); each month and visit shows the person its flag's state."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.clock import ICT
from chalicelib.domain.flags import Flag, FlagKind, case_id
from chalicelib.store.cases import close_case, get_case, open_case
from tests.api.conftest import ANNA, BINH, CHI

VISIT = {
    "claim_id": "KCB-2026-0001",
    "card_no": f"HC401{ANNA}",
    "facility": "Bệnh viện Đa khoa Nghệ An",
    "visit_on": "2026-10-03",
    "total_vnd": 900_000,
    "fund_paid_vnd": 720_000,
}


@pytest.fixture
def visits(make, people) -> None:
    make.ledger("hi_claim#KCB-2026-0001", {**VISIT, "ss_code": ANNA})
    make.ledger(
        "hi_claim#KCB-2026-0002", {**VISIT, "claim_id": "KCB-2026-0002", "visit_on": "2026-11-20", "ss_code": ANNA}
    )
    make.ledger(
        "hi_claim#KCB-BINH",
        {**VISIT, "claim_id": "KCB-BINH", "card_no": f"HC401{BINH}", "ss_code": BINH},
    )


def test_claims_list_the_persons_own_visits_newest_first(api, visits, sign_in) -> None:
    answer = api.get("/v1/me/claims", sign_in(ANNA))
    assert answer.status == 200
    assert answer.body == {
        "claims": [
            {
                "claim_id": "KCB-2026-0002",
                "facility": "Bệnh viện Đa khoa Nghệ An",
                "visit_on": "2026-11-20",
                "fund_paid_vnd": 720_000,
                "flag": None,
            },
            {
                "claim_id": "KCB-2026-0001",
                "facility": "Bệnh viện Đa khoa Nghệ An",
                "visit_on": "2026-10-03",
                "fund_paid_vnd": 720_000,
                "flag": None,
            },
        ]
    }
    assert api.get("/v1/me/claims").status == 401


def test_an_owed_month_is_flagged_once_and_opens_a_case_with_what_the_person_saw(api, visits, sign_in, svc) -> None:
    token = sign_in(ANNA)
    first = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-11"}, token)
    assert first.status == 201, first.body
    assert set(first.body) == {"id", "case_code"} and first.body["id"].startswith("case-")
    assert first.body["case_code"] == "BHXH-40-2611-0001"  # Nghệ An, November 2026 (the clock), the first
    again = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "11/2025"}, token)
    assert again.status == 409 and again.body["error"]["code"] == "already_flagged"
    [case] = list(svc.tables.cases.scan())
    assert (case.id, case.kind, case.subject, case.status) == (first.body["id"], "unpaid_month", "2025-11", "open")
    assert case.masked_code == "*******425" and case.person_province == "40"
    assert case.case_code == "BHXH-40-2611-0001"
    shown = api.get("/v1/me/contributions?from=2025-11&to=2025-11", token).body["months"]
    seen = [{k: v for k, v in m.items() if k != "flag"} for m in shown]
    assert case.facts.as_dict() == {"period": "2025-11", "months": seen}  # exactly what the page showed


def test_a_visit_never_made_is_flagged_with_the_visit_as_listed(api, visits, sign_in, svc) -> None:
    token = sign_in(ANNA)
    answer = api.post("/v1/me/flags", {"kind": "unknown_visit", "claim_id": "kcb-2026-0001"}, token)
    assert answer.status == 201
    [case] = list(svc.tables.cases.scan())
    listed = api.get("/v1/me/claims", token).body["claims"][1]
    assert case.facts.as_dict() == {k: v for k, v in listed.items() if k != "flag"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "unpaid_month", "period": "2025-03"}, 400, "period"),  # paid, not owed
        ({"kind": "unpaid_month", "period": "2031-01"}, 400, "period"),  # no such month
        ({"kind": "unpaid_month", "period": "2025-13"}, 400, "period"),
        ({"kind": "unpaid_month", "period": "2025-11' OR '1'='1"}, 400, "period"),
        ({"kind": "unpaid_month", "period": "２０２５-11"}, 400, "period"),
        ({"kind": "unpaid_month"}, 400, "period"),
        ({"kind": "unknown_visit", "claim_id": "KCB-BINH"}, 404, None),  # another person's visit
        ({"kind": "unknown_visit", "claim_id": "NOPE"}, 404, None),
        ({"kind": "unknown_visit", "claim_id": "x" * 65}, 400, "claim_id"),
        ({"kind": "unknown_visit", "claim_id": {"$ne": 1}}, 400, "claim_id"),
        ({"kind": "unknown_visit", "claim_id": "KCB\u202e1"}, 400, "claim_id"),
        ({"kind": "something"}, 400, "kind"),
        ({}, 400, "kind"),
        ({"kind": ["unpaid_month"]}, 400, "kind"),
    ],
)
def test_hostile_or_foreign_flags_are_refused_clearly(api, visits, sign_in, svc, body, status, field) -> None:
    answer = api.post("/v1/me/flags", body, sign_in(ANNA))
    assert answer.status == status, answer.body
    if field:
        assert answer.body["error"]["message"].startswith(f"{field}:")
    assert list(svc.tables.cases.scan()) == []


def test_a_flag_needs_a_sign_in_and_a_json_object(api, visits, sign_in) -> None:
    assert api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-11"}).status == 401
    assert api.post("/v1/me/flags", None, sign_in(ANNA), raw=b"[1, 2]").status == 400
    assert api.post("/v1/me/flags", None, sign_in(ANNA), raw=b"\xff\xfe").status == 400


def _flag_of(api, token: str, period: str):
    [month] = api.get(f"/v1/me/contributions?from={period}&to={period}", token).body["months"]
    return month["flag"]


def test_each_month_and_visit_shows_the_person_its_flags_state_from_sent_to_closed(
    api, visits, sign_in, svc, clock
) -> None:
    token = sign_in(ANNA)
    assert _flag_of(api, token, "2025-11") is None
    opened = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-11"}, token).body
    assert _flag_of(api, token, "2025-11") == {
        "case_code": opened["case_code"],
        "status": "open",
        "outcome": None,
        "opened_at": "2026-11-25T03:00:00Z",
        "closed_at": None,
    }
    assert _flag_of(api, token, "2025-12") is None  # the other owed month: not flagged
    item = get_case(svc.tables, opened["id"])
    clock.advance(minutes=5)
    assert close_case(svc.tables, item, by="support.na", outcome="Đơn vị đã nộp bổ sung.", at=clock())
    closed = _flag_of(api, token, "2025-11")
    assert (closed["status"], closed["outcome"], closed["closed_at"]) == (
        "closed",
        "Đơn vị đã nộp bổ sung.",
        "2026-11-25T03:05:00Z",
    )
    assert "support.na" not in str(api.get("/v1/me/contributions", token).body)  # never who closed it

    visit = api.post("/v1/me/flags", {"kind": "unknown_visit", "claim_id": "KCB-2026-0002"}, token).body
    listed = {c["claim_id"]: c["flag"] for c in api.get("/v1/me/claims", token).body["claims"]}
    assert listed["KCB-2026-0001"] is None
    assert listed["KCB-2026-0002"]["case_code"] == visit["case_code"] == "BHXH-40-2611-0002"


def test_a_token_shows_only_its_own_persons_flags(api, visits, sign_in, make) -> None:
    make.month("2025-11", ss=BINH, unit="YN0123A", status="owed")
    anna = sign_in(ANNA)
    assert api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-11"}, anna).status == 201
    binh = sign_in(BINH)
    assert _flag_of(api, binh, "2025-11") is None  # the same month, another person: not Anna's flag
    assert all(c["flag"] is None for c in api.get("/v1/me/claims", binh).body["claims"])


def test_codes_count_per_province_and_month_and_a_repeat_takes_no_number(api, visits, sign_in, make, clock) -> None:
    make.person(CHI, phone="+84912000777", province="01")  # now with a phone, living in Hà Nội
    make.month("2025-11", ss=CHI, status="owed")
    anna, chi = sign_in(ANNA), sign_in(CHI)

    def code(token: str, body: dict) -> str:
        answer = api.post("/v1/me/flags", body, token)
        assert answer.status == 201, answer.body
        return answer.body["case_code"]

    assert code(anna, {"kind": "unpaid_month", "period": "2025-11"}) == "BHXH-40-2611-0001"
    assert api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-11"}, anna).status == 409
    assert code(chi, {"kind": "unpaid_month", "period": "2025-11"}) == "BHXH-01-2611-0001"
    assert code(anna, {"kind": "unknown_visit", "claim_id": "KCB-2026-0001"}) == "BHXH-40-2611-0002"
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=ICT))  # still 30 November in UTC
    assert (
        code(sign_in(ANNA), {"kind": "unpaid_month", "period": "2025-12"}) == "BHXH-40-2612-0001"
    )  # December in Hanoi


def test_a_case_opened_before_codes_still_shows_and_has_no_code(api, visits, sign_in, svc) -> None:
    flag = Flag(FlagKind.UNPAID_MONTH, "2025-12")
    old = case_id(flag.fact_key(ANNA), svc.dedupe_hash_key())
    assert open_case(
        svc.tables,
        case_id=old,
        kind=flag.kind.value,
        subject=flag.subject,
        ss_code=ANNA,
        masked_code="*******425",
        facts={"period": "2025-12", "months": []},
        person_province="40",
        employer_province=None,
        at=datetime(2026, 1, 5, tzinfo=ICT),
    )
    token = sign_in(ANNA)
    shown = _flag_of(api, token, "2025-12")
    assert (shown["case_code"], shown["status"]) == (None, "open")
    assert api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-12"}, token).status == 409
