"""Cases: a person flags an owed month or a visit on the lookup page; support staff of the person's or
the employer's province see it with the facts the person saw (and the person only by a masked code),
close it with an outcome, and the person gets exactly one `case_closed` SMS."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.api.tokens import issue_token
from chalicelib.domain.status import Status
from local.stack.staff import DemoStaff, create_demo_staff
from local.stack.staff import StaffPool as LocalPool

NA_PERSON, NA_PHONE = "4011111111", "+84912000444"  # lives in Nghệ An, works for a Hà Nội employer
HN_PERSON, HN_PHONE = "0122222222", "+84912000555"  # lives and works in Hà Nội
HN_UNIT = "HN0001X"
OUTCOME = "Đã làm việc với đơn vị; đơn vị đã nộp bổ sung tháng 10/2026."


@pytest.fixture
def flagged(console, make, api):
    """Each person flags their owed October; returns the case ids by person (the codes, in this order:
    BHXH-40-2611-0001 for the Nghệ An person, BHXH-01-2611-0001 for the Hà Nội one)."""
    make.employer(HN_UNIT, phone="+84912000666", province="01")
    make.person(NA_PERSON, phone=NA_PHONE, unit=HN_UNIT, province="40")
    make.person(HN_PERSON, phone=HN_PHONE, unit=HN_UNIT, province="01")
    ids = {}
    for ss in (NA_PERSON, HN_PERSON):
        make.month("2026-09", ss=ss, unit=HN_UNIT)
        make.month("2026-10", ss=ss, unit=HN_UNIT, status="owed")
        answer = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": "2026-10"}, token=_person(console, ss))
        assert answer.status == 201, answer.body
        ids[ss] = answer.body["id"]
    return ids


def _person(console, ss_code: str) -> str:
    """A lookup token for the person, as `POST /v1/token` issues it after the OTP."""
    return issue_token(ss_code, key=console.jwt_key(), now=console.clock(), issuer=f"bhxh-{console.settings.stage}")


@pytest.fixture
def support_hn(console, id_token) -> str:
    pool = LocalPool(console.settings.staff_pool_id, console.settings.staff_client_id)
    create_demo_staff(boto3.session.Session(), pool, (DemoStaff("support.hn", "support", "01", "Hà Nội"),))
    return id_token("support.hn")


def test_support_sees_the_cases_of_its_peoples_and_employers_province_with_only_what_was_shown(
    api, id_token, flagged, support_hn
) -> None:
    na = api.get("/v1/agency/cases", id_token("support.na"))
    assert na.status == 200 and na.body["status"] == "open"
    [case] = na.body["cases"]
    assert case["id"] == flagged[NA_PERSON] and case["person"] == "*******111"
    assert case["provinces"] == ["40", "01"]
    assert case["facts"] == {
        "period": "2026-10",
        "months": [
            {
                "period": "2026-10",
                "unit_code": HN_UNIT,
                "salary_vnd": 8_000_000,
                "si_vnd": 2_040_000,
                "hi_vnd": 360_000,
                "ui_vnd": 160_000,
                "status": "owed",
            }
        ],
    }
    assert NA_PERSON not in str(na.body) and "Nguyễn" not in str(na.body)
    hn = api.get("/v1/agency/cases", support_hn)  # the employer's province sees both people's cases
    assert sorted(c["id"] for c in hn.body["cases"]) == sorted(flagged.values())


def test_closing_a_case_sends_the_person_exactly_one_sms(api, id_token, flagged, pump, sent_sms, console) -> None:
    token = id_token("support.na")
    path = f"/v1/agency/cases/{flagged[NA_PERSON]}/close"
    closed = api.post(path, {"outcome": OUTCOME}, token)
    assert closed.status == 200, closed.body
    assert closed.body == {"id": flagged[NA_PERSON], "status": "closed", "notice": "created"}
    again = api.post(path, {"outcome": "lần nữa"}, token)
    assert again.status == 409
    pump.run_until_idle()
    pump.run_until_idle()
    to_person = [m for m in sent_sms() if m.phone == NA_PHONE]
    assert [m.text for m in to_person] == [
        "BHXH VN: Phan anh ma BHXH-40-2611-0001 cua ban ve thang 10/2026 chua duoc dong BHXH da duoc"
        " co quan BHXH xu ly xong. Chi tiet xin goi 1900 9068."
    ]
    listed = api.get("/v1/agency/cases?status=closed", token).body["cases"]
    assert [(c["id"], c["outcome"], c["closed_by"]) for c in listed] == [(flagged[NA_PERSON], OUTCOME, "support.na")]
    assert api.get("/v1/agency/cases", token).body["cases"] == []
    entries = [e for e in console.tables.audit.scan() if e.action == "close_case"]
    assert [(e.outcome, e.subject) for e in entries] == [("ok", flagged[NA_PERSON])]
    assert OUTCOME not in str([e.attribute_values for e in console.tables.audit.scan()])


def test_a_case_closed_at_night_is_told_at_seven(api, id_token, flagged, pump, sent_sms, console, clock) -> None:
    clock.set(clock().replace(hour=22))
    assert (
        api.post(f"/v1/agency/cases/{flagged[NA_PERSON]}/close", {"outcome": OUTCOME}, id_token("support.na")).body[
            "notice"
        ]
        == Status.HELD
    )
    pump.run_until_idle()
    assert [m for m in sent_sms() if m.phone == NA_PHONE] == []


def test_another_provinces_case_answers_as_a_missing_one_and_the_refusal_is_audited(
    api, id_token, flagged, console
) -> None:
    token = id_token("support.na")
    answer = api.post(f"/v1/agency/cases/{flagged[HN_PERSON]}/close", {"outcome": OUTCOME}, token)
    missing = api.post(f"/v1/agency/cases/case-{'a' * 24}/close", {"outcome": OUTCOME}, token)
    assert (answer.status, answer.body) == (404, missing.body) == (404, {"error": missing.body["error"]})
    assert any(e.outcome == "refused" and e.subject == flagged[HN_PERSON] for e in console.tables.audit.scan())
    assert console.tables.cases.get(flagged[HN_PERSON]).status == "open"


def test_only_support_staff_see_or_close_cases(api, id_token, flagged) -> None:
    for who in ("viewer.na", "uploader.na"):
        assert api.get("/v1/agency/cases", id_token(who)).status == 403
        assert api.post(f"/v1/agency/cases/{flagged[NA_PERSON]}/close", {"outcome": "x"}, id_token(who)).status == 403
    assert api.get("/v1/agency/cases").status == 401


@pytest.mark.parametrize(
    ("case", "body", "raw", "status"),
    [
        ("case-" + "a" * 24, {"outcome": OUTCOME}, None, 404),  # well formed, no such case
        ("case-..%2F..%2Fetc", {"outcome": OUTCOME}, None, 400),
        ("x" * 5000, {"outcome": OUTCOME}, None, 400),
        ("case-'%20OR%201=1", {"outcome": OUTCOME}, None, 400),
        (None, {}, None, 400),
        (None, {"outcome": ""}, None, 400),
        (None, {"outcome": "   "}, None, 400),
        (None, {"outcome": "x" * 501}, None, 400),
        (None, {"outcome": "ok\u202e"}, None, 400),
        (None, {"outcome": "ok\x00"}, None, 400),
        (None, {"outcome": ["ok"]}, None, 400),
        (None, None, b"not json", 400),
        (None, None, b'{"outcome": "' + b"x" * 70_000 + b'"}', 413),
    ],
)
def test_hostile_closes_are_a_clear_4xx_and_change_nothing(api, id_token, flagged, console, case, body, raw, status):
    target = case or flagged[NA_PERSON]
    answer = api.post(f"/v1/agency/cases/{target}/close", body, id_token("support.na"), raw=raw)
    assert answer.status == status, answer.body
    assert set(answer.body) == {"error"}
    assert console.tables.cases.get(flagged[NA_PERSON]).status == "open"


def test_a_bad_status_filter_is_a_400(api, id_token, flagged) -> None:
    assert api.get("/v1/agency/cases?status=all", id_token("support.na")).status == 400


def test_support_finds_a_case_by_its_code_within_what_its_province_sees(api, id_token, flagged, support_hn) -> None:
    na = id_token("support.na")
    listed = api.get("/v1/agency/cases", na).body["cases"]
    assert [c["case_code"] for c in listed] == ["BHXH-40-2611-0001"]
    found = api.get("/v1/agency/cases?code=%20bhxh-40-2611-0001%20", na)  # as read out on the phone
    assert found.status == 200 and found.body["code"] == "BHXH-40-2611-0001"
    assert [c["id"] for c in found.body["cases"]] == [flagged[NA_PERSON]]
    assert api.get("/v1/agency/cases?code=BHXH-40-2611-0001&status=closed", na).body["cases"] == []
    assert api.get("/v1/agency/cases?code=BHXH-40-2611-0002", na).body["cases"] == []  # no such code
    assert api.get("/v1/agency/cases?code=BHXH-01-2611-0001", na).body["cases"] == []  # Hà Nội's: not seen
    assert [c["id"] for c in api.get("/v1/agency/cases?code=BHXH-40-2611-0001", support_hn).body["cases"]] == [
        flagged[NA_PERSON]  # the employer's province sees it too
    ]


def test_a_closed_case_is_found_by_its_code_and_the_search_audited(api, id_token, flagged, console) -> None:
    na = id_token("support.na")
    assert api.post(f"/v1/agency/cases/{flagged[NA_PERSON]}/close", {"outcome": OUTCOME}, na).status == 200
    [case] = api.get("/v1/agency/cases?code=BHXH-40-2611-0001", na).body["cases"]
    assert (case["status"], case["outcome"]) == ("closed", OUTCOME)
    assert any(e.subject == "case BHXH-40-2611-0001" for e in console.tables.audit.scan())


@pytest.mark.parametrize("code", ["BHXH-40-2611", "case-aaaa", "BHXH-4O-2611-0001", "x" * 300, "BHXH-40-2611-0001'"])
def test_a_malformed_code_is_a_400_naming_the_field(api, id_token, flagged, code) -> None:
    answer = api.get(f"/v1/agency/cases?code={code}", id_token("support.na"))
    assert answer.status == 400 and answer.body["error"]["message"].startswith("code:")


def test_a_case_opened_before_codes_lists_closes_and_tells_as_before(api, id_token, console, make, pump, sent_sms):
    from chalicelib.store.cases import open_case

    make.person(NA_PERSON, phone=NA_PHONE, unit=HN_UNIT, province="40")
    old = "case-" + "b" * 24
    assert open_case(
        console.tables,
        case_id=old,
        kind="unpaid_month",
        subject="2026-08",
        ss_code=NA_PERSON,
        masked_code="*******111",
        facts={"period": "2026-08", "months": []},
        person_province="40",
        employer_province=None,
        at=console.clock(),
    )
    token = id_token("support.na")
    [listed] = api.get("/v1/agency/cases", token).body["cases"]
    assert (listed["id"], listed["case_code"]) == (old, None)
    assert api.post(f"/v1/agency/cases/{old}/close", {"outcome": OUTCOME}, token).status == 200
    pump.run_until_idle()
    assert [m.text for m in sent_sms() if m.phone == NA_PHONE] == [
        "BHXH VN: Phan anh cua ban ve thang 08/2026 chua duoc dong BHXH da duoc co quan BHXH xu ly xong."
        " Chi tiet xin goi 1900 9068."
    ]
