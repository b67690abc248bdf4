"""A signed-in person's settled visits (`GET /v1/me/claims`) and their flags (`POST /v1/me/flags`): only
their own facts, one flag per fact, each opening a case with only what the person was shown."""

from __future__ import annotations

import pytest

from tests.api.conftest import ANNA, BINH

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
            },
            {
                "claim_id": "KCB-2026-0001",
                "facility": "Bệnh viện Đa khoa Nghệ An",
                "visit_on": "2026-10-03",
                "fund_paid_vnd": 720_000,
            },
        ]
    }
    assert api.get("/v1/me/claims").status == 401


def test_an_owed_month_is_flagged_once_and_opens_a_case_with_what_the_person_saw(api, visits, sign_in, svc) -> None:
    token = sign_in(ANNA)
    first = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2025-11"}, token)
    assert first.status == 201, first.body
    assert set(first.body) == {"id"} and first.body["id"].startswith("case-")
    again = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "11/2025"}, token)
    assert again.status == 409 and again.body["error"]["code"] == "already_flagged"
    [case] = list(svc.tables.cases.scan())
    assert (case.id, case.kind, case.subject, case.status) == (first.body["id"], "unpaid_month", "2025-11", "open")
    assert case.masked_code == "*******425" and case.person_province == "40"
    shown = api.get("/v1/me/contributions?from=2025-11&to=2025-11", token).body["months"]
    assert case.facts.as_dict() == {"period": "2025-11", "months": shown}  # exactly what the page showed


def test_a_visit_never_made_is_flagged_with_the_visit_as_listed(api, visits, sign_in, svc) -> None:
    token = sign_in(ANNA)
    answer = api.post("/v1/me/flags", {"kind": "unknown_visit", "claim_id": "kcb-2026-0001"}, token)
    assert answer.status == 201
    [case] = list(svc.tables.cases.scan())
    listed = api.get("/v1/me/claims", token).body["claims"][1]
    assert case.facts.as_dict() == listed


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
