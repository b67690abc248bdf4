"""The hotline's view of one person: support staff find a person's notices by phone, ss_code or unit
code, with each status and its reason in plain words, only within their province; each search is
audited with the subject masked; a failed notice is sent again once, a delivered one never."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.status import Status
from chalicelib.notify.outbox import enqueue
from chalicelib.store.guard import opt_out

NA_PERSON, NA_PHONE = "4012345678", "+84912000111"
HN_PERSON, HN_PHONE = "0112345678", "+84912000222"
NA_UNIT, NA_UNIT_PHONE = "NA0001X", "+84912000333"


@pytest.fixture
def people(make) -> None:
    make.person(NA_PERSON, phone=NA_PHONE, unit=NA_UNIT, province="40")
    make.person(HN_PERSON, phone=HN_PHONE, unit=None, province="01")
    make.employer(NA_UNIT, phone=NA_UNIT_PHONE, province="40")


@pytest.fixture
def failing_publish(console, functions, monkeypatch):
    """The sender's SNS Publish refuses the next `n` calls with an error SNS gives for a bad number."""
    sns = functions.services("send").clients.sms  # the sender's own client, under its role
    real = sns.publish
    refusals: list[str] = []

    def publish(**kwargs):
        if refusals:
            raise ClientError({"Error": {"Code": refusals.pop(0), "Message": "injected"}}, "Publish")
        return real(**kwargs)

    monkeypatch.setattr(sns, "publish", publish)
    return refusals


def _notice(template: str, key: str, recipient: Recipient, **params: str) -> Notice:
    return Notice(template, key, recipient, params=params)


@pytest.fixture
def told(console, people, pump, failing_publish, deliver_recorded_sms, notice_id) -> dict[str, str]:
    """The Nghệ An person's notices: one delivered, one refused by SNS (permanent failure), one to
    nobody (no phone at the time) — and the employer's and the Hà Nội person's own."""
    failing_publish.append("InvalidParameter")
    refused = _notice(
        "voluntary_due", f"voluntary_due#{NA_PERSON}#2026-12", Recipient("person", NA_PERSON), paid_to="2026-12"
    )
    assert enqueue(console, refused) == Status.CREATED
    pump.run_until_idle()
    delivered = _notice(
        "benefit_paid",
        "benefit_paid#B-1",
        Recipient("person", NA_PERSON),
        benefit="pension",
        amount_vnd="5000000",
        paid_on="2026-11-20",
    )
    enqueue(console, delivered)
    enqueue(
        console,
        _notice(
            "payment_received",
            "payment_received#PT-1",
            Recipient("employer", NA_UNIT),
            unit_code=NA_UNIT,
            amount_vnd="1000000",
            paid_on="2026-11-05",
        ),
    )
    enqueue(
        console,
        _notice(
            "voluntary_due", f"voluntary_due#{HN_PERSON}#2026-12", Recipient("person", HN_PERSON), paid_to="2026-12"
        ),
    )
    pump.run_until_idle()
    assert deliver_recorded_sms()
    pump.run_until_idle()
    return {"refused": notice_id(refused.dedupe_key), "delivered": notice_id(delivered.dedupe_key)}  # outbox ids


def _ids(answer) -> dict[str, dict]:
    return {n["template"]: n for n in answer.body["notices"]}


def test_support_finds_a_person_by_phone_with_each_status_and_its_reason_in_plain_words(
    api, id_token, told, sent_sms
) -> None:
    token = id_token("support.na")
    answer = api.get("/v1/agency/notices?phone=0912%20000%20111", token)
    assert answer.status == 200, answer.body
    notices = _ids(answer)
    assert set(notices) == {"voluntary_due", "benefit_paid"}
    refused, delivered = notices["voluntary_due"], notices["benefit_paid"]
    assert refused["status"] == Status.PERMANENT_FAILURE and refused["can_resend"] is True
    assert "từ chối" in refused["reason"]["vi"] and "refused" in refused["reason"]["en"]
    assert delivered["status"] == Status.DELIVERED and delivered["can_resend"] is False
    assert delivered["reason"]["en"] == "The phone received it."
    assert delivered["phone"] == "********111" and refused["created_at"]
    assert answer.body["subject"] == {"kind": "phone", "masked": "********111"}
    assert answer.body["people"] == [{"masked_code": "*******678", "province_code": "40"}]
    assert answer.body["opted_out"] is False
    assert NA_PHONE not in answer.headers.get("content-type", "") and NA_PHONE[1:] not in str(answer.body)


def test_the_same_person_by_code_and_the_employer_by_unit_code(api, id_token, told) -> None:
    token = id_token("support.na")
    by_code = api.get(f"/v1/agency/notices?ss_code={NA_PERSON}", token)
    assert by_code.status == 200 and set(_ids(by_code)) == {"voluntary_due", "benefit_paid"}
    by_unit = api.get(f"/v1/agency/notices?unit_code={NA_UNIT.lower()}", token)
    assert by_unit.status == 200 and set(_ids(by_unit)) == {"payment_received"}
    assert by_unit.body["employers"] == [{"masked_code": "****01X", "province_code": "40"}]


def test_a_phone_on_the_services_own_opt_out_list_is_said_so(api, id_token, told, console) -> None:
    opt_out(console.tables, NA_PHONE)
    answer = api.get(f"/v1/agency/notices?ss_code={NA_PERSON}", id_token("support.na"))
    assert answer.body["opted_out"] is True
    assert answer.body["opt_out"] == {"phone": "********111", "service": True, "sns": False}


def test_another_province_is_answered_as_no_one_and_the_refusal_audited_masked(api, id_token, told, console) -> None:
    token = id_token("support.na")
    for path, nobody in (
        (f"/v1/agency/notices?phone={HN_PHONE}", "/v1/agency/notices?phone=0987000999"),
        (f"/v1/agency/notices?ss_code={HN_PERSON}", "/v1/agency/notices?ss_code=0000000009"),
    ):
        answer, missing = api.get(path, token), api.get(nobody, token)
        assert answer.status == missing.status == 404 and answer.body == missing.body, path
    national = api.get(f"/v1/agency/notices?ss_code={HN_PERSON}", _national(console, id_token))
    assert national.status == 200 and set(_ids(national)) == {"voluntary_due"}
    entries = {(e.staff, e.outcome, e.subject) for e in console.tables.audit.scan() if e.action == "search_notices"}
    assert ("support.na", "refused", "phone ********222") in entries
    assert ("support.na", "refused", "ss_code *******678") in entries


def _national(console, id_token) -> str:
    import boto3

    from local.stack.staff import DemoStaff, create_demo_staff
    from local.stack.staff import StaffPool as LocalPool

    pool = LocalPool(console.settings.staff_pool_id, console.settings.staff_client_id)
    create_demo_staff(boto3.session.Session(), pool, (DemoStaff("support.tw", "support", "00", "national"),))
    return id_token("support.tw")


def test_every_search_is_audited_with_the_subject_masked_and_nothing_else_personal(
    api, id_token, told, console
) -> None:
    token = id_token("support.na")
    api.get(f"/v1/agency/notices?phone={NA_PHONE}", token)
    api.get(f"/v1/agency/notices?ss_code={NA_PERSON}", token)
    api.get("/v1/agency/notices?ss_code=4099999999", token)  # no one: still a lookup
    searches = [e for e in console.tables.audit.scan() if e.action == "search_notices"]
    assert sorted((e.outcome, e.subject) for e in searches) == [
        ("not_found", "ss_code *******999"),
        ("ok", "phone ********111"),
        ("ok", "ss_code *******678"),
    ]
    for entry in console.tables.audit.scan():
        text = str(entry.attribute_values)
        assert NA_PERSON not in text and NA_PHONE[3:] not in text and "Nguyễn" not in text


HOSTILE = [
    "",
    "phone=",
    "phone=0912000111&ss_code=4012345678",
    "phone=' OR 1=1 --",
    "ss_code=40123456789",
    "ss_code=%EF%BC%94%EF%BC%900123456",  # fullwidth digits
    "unit_code=<script>",
    "unit_code=NA0001X%00",
    "phone=" + "9" * 5000,
    "ss_code=" + "1" * 100_000,
    "phone=0243%20123%204567",  # a landline
]


def test_hostile_search_terms_are_a_clear_400(api, id_token, told) -> None:
    support = id_token("support.na")
    for query in HOSTILE:  # the notices told, every query against them
        answer = api.get(f"/v1/agency/notices?{query}", support)
        assert (answer.status, answer.body["error"]["code"]) == (400, "bad_input"), (query, answer.body)


def test_only_support_staff_search_and_no_token_is_401(api, id_token, told) -> None:
    for who in ("viewer.na", "uploader.na"):
        assert api.get(f"/v1/agency/notices?phone={NA_PHONE}", id_token(who)).status == 403
    assert api.get(f"/v1/agency/notices?phone={NA_PHONE}").status == 401


def test_a_failed_notice_is_resent_once_through_the_senders_claim(api, id_token, told, pump, sent_sms, console) -> None:
    token = id_token("support.na")
    before = len([m for m in sent_sms() if m.phone == NA_PHONE])
    notice = _ids(api.get(f"/v1/agency/notices?phone={NA_PHONE}", token))["voluntary_due"]
    path = f"/v1/agency/notices/{_quoted(notice['id'])}/resend"
    first = api.post(path, token=token)
    assert first.status == 200, first.body
    assert first.body == {"id": notice["id"], "status": "created", "was": "permanent-failure", "phone": "********111"}
    assert api.post(path, token=token).status == 409  # a second click: already on its way
    pump.run_until_idle()
    to_person = [m for m in sent_sms() if m.phone == NA_PHONE]
    assert len(to_person) == before + 1 and "12/2026" in to_person[-1].text
    assert console.tables.notifications.get(notice["id"]).status == Status.SENT
    [entry] = [e for e in console.tables.audit.scan() if e.action == "resend"]
    assert entry.subject.endswith("to ********111") and NA_PERSON not in entry.subject
    assert entry.details.as_dict() == {"template": "voluntary_due", "was": "permanent-failure", "attempts": 1}


def test_a_delivered_notice_is_never_sent_twice(api, id_token, told, pump, sent_sms) -> None:
    token = id_token("support.na")
    delivered = _ids(api.get(f"/v1/agency/notices?phone={NA_PHONE}", token))["benefit_paid"]
    before = len(sent_sms())
    answer = api.post(f"/v1/agency/notices/{_quoted(delivered['id'])}/resend", token=token)
    assert answer.status == 409 and "delivered" in answer.body["error"]["message"]
    pump.run_until_idle()
    assert len(sent_sms()) == before


def test_resending_another_provinces_or_an_unknown_or_forged_notice_is_refused(
    api, id_token, told, console, notice_id
) -> None:
    token = id_token("support.na")
    hn = notice_id(f"voluntary_due#{HN_PERSON}#2026-12")
    other = api.post(f"/v1/agency/notices/{_quoted(hn)}/resend", token=token)
    missing = api.post(f"/v1/agency/notices/{_quoted('payment_received#nope')}/resend", token=token)
    assert (other.status, other.body) == (404, missing.body)  # another province's answers as a missing one
    assert api.post("/v1/agency/notices/" + "x" * 300 + "/resend", token=token).status == 400
    assert api.post(f"/v1/agency/notices/{_quoted(told['refused'])}/resend", token=id_token("viewer.na")).status == 403


def _quoted(notice_id: str) -> str:
    from urllib.parse import quote

    return quote(notice_id, safe="")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/v1/agency/notices?phone={NA_PHONE}"),
        ("POST", "/v1/agency/notices/benefit_paid%23B-1/resend"),
        ("GET", "/v1/agency/cases"),
        ("POST", "/v1/agency/cases/case-aaaaaaaaaaaaaaaaaaaaaaaa/close"),
        ("GET", "/v1/agency/figures"),
        ("GET", "/v1/agency/audit"),
    ],
)
def test_part_twos_routes_refuse_forged_tokens(api, forge, people, method, path) -> None:
    """A support token signed with a key not the pool's, or the pool's expired an hour ago."""
    expired = int(time.time()) - 3600
    for token in (forge(key="other", **{"cognito:groups": ["support"]}), forge(exp=expired, iat=expired - 3600)):
        answer = api.get(path, token) if method == "GET" else api.post(path, {"outcome": "x"}, token)
        assert answer.status == 401 and answer.body["error"]["code"] == "unauthorized", (path, token[:20])


OLD_PERSON, OLD_PHONE, NEW_PHONE = "4087654321", "+84912000444", "+84912000555"
PEOPLE_HEADER = "ss_code,full_name,date_of_birth,phone,province_code\n"


@pytest.fixture
def moved(console, upload, pump) -> None:
    """A Nghệ An person told once on their old phone, then a people file moves their phone (the old
    one is told `phone_changed`), then told once on the new one."""
    upload("people", "before.csv", f"{PEOPLE_HEADER}{OLD_PERSON},Trần Văn Cũ,1980-02-02,0912000444,40\n")
    pump.run_until_idle()
    enqueue(
        console,
        _notice(
            "voluntary_due", f"voluntary_due#{OLD_PERSON}#2026-11", Recipient("person", OLD_PERSON), paid_to="2026-11"
        ),
    )
    pump.run_until_idle()
    upload("people", "after.csv", f"{PEOPLE_HEADER}{OLD_PERSON},Trần Văn Cũ,1980-02-02,0912000555,40\n")
    pump.run_until_idle()
    enqueue(
        console,
        _notice(
            "voluntary_due", f"voluntary_due#{OLD_PERSON}#2026-12", Recipient("person", OLD_PERSON), paid_to="2026-12"
        ),
    )
    pump.run_until_idle()


def test_a_search_by_an_old_phone_finds_the_phone_changed_notice_and_what_went_there_before(
    api, id_token, moved
) -> None:
    answer = api.get(f"/v1/agency/notices?phone={OLD_PHONE}", id_token("support.na"))
    assert answer.status == 200, answer.body
    found = [(n["template"], n["phone"]) for n in answer.body["notices"]]
    assert sorted(found) == [("phone_changed", "********444"), ("voluntary_due", "********444")]
    assert answer.body["people"] == [] and answer.body["former_people"] == [
        {"masked_code": "*******321", "province_code": "40"}
    ]
    assert answer.body["total"] == 2


def test_a_search_by_the_persons_code_shows_the_phone_changed_told_to_the_old_phone(api, id_token, moved) -> None:
    answer = api.get(f"/v1/agency/notices?ss_code={OLD_PERSON}", id_token("support.na"))
    assert sorted((n["template"], n["phone"]) for n in answer.body["notices"]) == [
        ("phone_changed", "********444"),
        ("voluntary_due", "********444"),
        ("voluntary_due", "********555"),
    ]


def test_an_old_phone_of_another_provinces_person_is_refused(api, id_token, moved, console) -> None:
    import boto3

    from local.stack.staff import DemoStaff, create_demo_staff
    from local.stack.staff import StaffPool as LocalPool

    pool = LocalPool(console.settings.staff_pool_id, console.settings.staff_client_id)
    create_demo_staff(boto3.session.Session(), pool, (DemoStaff("support.hn", "support", "01", "Hà Nội"),))
    answer = api.get(f"/v1/agency/notices?phone={OLD_PHONE}", id_token("support.hn"))
    assert answer.status in (403, 404) and "notices" not in answer.body


def test_a_search_past_a_hundred_notices_is_paged_with_the_total_said(api, id_token, told, console, clock) -> None:
    for n in range(120):
        clock.advance(seconds=1)
        benefit = {"benefit": "pension", "amount_vnd": "5000000", "paid_on": "2026-11-20"}
        enqueue(console, _notice("benefit_paid", f"benefit_paid#P-{n:03d}", Recipient("person", NA_PERSON), **benefit))
    token = id_token("support.na")
    first = api.get(f"/v1/agency/notices?ss_code={NA_PERSON}", token).body
    total = 120 + 2  # and the two told before
    assert (first["total"], first["page"], first["pages"], first["from"], first["to"]) == (total, 1, 2, 1, 100)
    second = api.get(f"/v1/agency/notices?ss_code={NA_PERSON}&page=2", token).body
    assert (second["page"], second["from"], second["to"], len(second["notices"])) == (2, 101, total, total - 100)
    ids = [n["id"] for n in first["notices"] + second["notices"]]
    assert len(set(ids)) == total
    stamps = [n["created_at"] for n in first["notices"] + second["notices"]]
    assert stamps == sorted(stamps, reverse=True)  # newest first, across pages
    assert api.get(f"/v1/agency/notices?ss_code={NA_PERSON}&page=0", token).status == 400
