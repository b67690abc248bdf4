"""A batch file's recipient list in the console: each notice of that upload with its status and reason
in plain words, phones masked, 100 a page with the total said, filtered by status, searched by a
phone, an ss_code or a unit code, and as a CSV; only for the file's province; each read audited."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.status import Status
from chalicelib.notify.outbox import enqueue
from chalicelib.store.batches import batch_key
from chalicelib.store.files import get_file
from tests.agency.test_uploaded_files import stage

FILE = "incoming/payments/big.csv"
PATH = "/v1/agency/files/payments/big/notices"
UNITS = [(f"NA{n:04d}X", f"+8491200{n:04d}") for n in range(1, 6)]  # five employers of Nghệ An
SEEDED = 250  # notices of the file: past two pages
FAILED = 7  # of them refused by the carrier


def _payment(n: int, unit: str) -> Notice:
    params = {"unit_code": unit, "amount_vnd": f"{n}000000", "paid_on": "2026-11-05"}
    return Notice("payment_received", f"payment_received#PX-{n:04d}", Recipient("employer", unit), params)


@pytest.fixture
def big(console, make, api, id_token, pump) -> dict[str, str]:
    """`payments/big` uploaded by uploader.na (province 40) and taken; its 250 notices in the outbox
    (as the stream writes them, each with its file line), seven of them refused by the carrier; one
    more notice to the first unit from another file."""
    for unit, phone in UNITS:
        make.employer(unit, phone=phone, province="40")
    token = id_token("uploader.na")
    stage(api, token, "big", "payment_id,unit_code,paid_on,amount_vnd\n", mode="send")  # a header only
    pump.run_until_idle()
    batch = batch_key(FILE, get_file(console.tables, FILE).version)  # this upload's notices
    for n in range(SEEDED):
        unit = UNITS[n % len(UNITS)][0]
        assert enqueue(console, _payment(n, unit), source=f"{batch}#{n + 2}") == Status.CREATED
    model = console.tables.notifications
    for hit in list(model.by_batch.query(batch))[:FAILED]:
        model(hit.id).update(actions=[model.status.set(Status.PERMANENT_FAILURE), model.reason.set("InvalidParameter")])
    enqueue(console, _payment(9999, UNITS[0][0]), source="incoming/payments/other.csv#2")
    return {"viewer": id_token("viewer.na")}


def test_a_viewer_pages_through_a_files_notices_with_the_total_said(api, big) -> None:
    first = api.get(PATH, big["viewer"])
    assert first.status == 200, first.body
    body = first.body
    assert (body["total"], body["page"], body["pages"], body["per_page"]) == (SEEDED, 1, 3, 100)
    assert (body["from"], body["to"]) == (1, 100) and len(body["notices"]) == 100
    assert body["counts"] == {"created": SEEDED - FAILED, "permanent-failure": FAILED}
    last = api.get(PATH + "?page=3", big["viewer"]).body
    assert (last["from"], last["to"], len(last["notices"])) == (201, 250, 50)
    pages = [n["id"] for p in (1, 2, 3) for n in api.get(f"{PATH}?page={p}", big["viewer"]).body["notices"]]
    assert len(set(pages)) == SEEDED
    assert api.get(PATH + "?page=4", big["viewer"]).body["notices"] == []


def test_each_notice_says_its_status_and_reason_in_both_languages_with_the_phone_masked(api, big) -> None:
    body = api.get(PATH + "?status=permanent-failure", big["viewer"]).body
    assert body["total"] == FAILED and len(body["notices"]) == FAILED
    notice = body["notices"][0]
    assert notice["status"] == "permanent-failure" and notice["template"] == "payment_received"
    assert notice["status_name"] == {"vi": "lỗi vĩnh viễn", "en": "permanent failure"}
    assert "từ chối" in notice["reason"]["vi"] and "refused" in notice["reason"]["en"]
    assert notice["phone"].startswith("********") and len(notice["phone"]) == 11
    assert notice["recipient"]["kind"] == "employer" and notice["recipient"]["masked"].startswith("****")
    assert 2 <= notice["line"] <= SEEDED + 1 and notice["created_at"]
    text = str(api.get(PATH, big["viewer"]).body)
    assert not any(phone[1:] in text or phone[3:] in text for _, phone in UNITS)


def test_a_search_by_unit_code_or_phone_finds_that_recipients_notices_of_this_file_only(api, big) -> None:
    unit, phone = UNITS[0]
    mine = SEEDED // len(UNITS)  # every fifth notice; the one from another file left out
    by_unit = api.get(f"{PATH}?q={unit.lower()}", big["viewer"]).body
    assert by_unit["total"] == mine and {n["recipient"]["masked"] for n in by_unit["notices"]} == {"****01X"}
    assert by_unit["q"] == "****01X"
    by_phone = api.get(f"{PATH}?q=0{phone[3:6]}%20{phone[6:9]}%20{phone[9:]}", big["viewer"]).body
    assert {n["id"] for n in by_phone["notices"]} == {n["id"] for n in by_unit["notices"]}
    failed = api.get(f"{PATH}?q={unit}&status=permanent-failure", big["viewer"]).body
    assert failed["total"] == sum(1 for n in by_unit["notices"] if n["status"] == "permanent-failure")
    assert api.get(f"{PATH}?q=4099999999", big["viewer"]).body["total"] == 0


def test_the_csv_is_the_filtered_list_for_a_spreadsheet(api, big) -> None:
    answer = api.get(PATH + "?status=permanent-failure&format=csv", big["viewer"])
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="big.recipients.csv"' in answer.headers["content-disposition"]
    text = _text(answer)
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == FAILED
    assert {r["status_vi"] for r in rows} == {"lỗi vĩnh viễn"} and all("refused" in r["reason_en"] for r in rows)
    assert all(r["phone"].startswith("********") for r in rows)
    everything = list(csv.reader(io.StringIO(_text(api.get(PATH + "?format=csv", big["viewer"])).lstrip("\ufeff"))))
    assert len(everything) == 1 + SEEDED


def _text(answer) -> str:
    return answer.body.decode("utf-8") if isinstance(answer.body, bytes) else answer.body


def test_another_provinces_staff_get_what_the_file_page_answers(api, big, id_token) -> None:
    token = id_token("uploader.hn")
    page = api.get("/v1/agency/files/payments/big", token)
    answer = api.get(PATH, token)
    assert answer.status == page.status and answer.status in (403, 404)
    assert answer.body["error"]["code"] == page.body["error"]["code"]
    assert api.get(PATH + "?format=csv", token).status == page.status
    assert api.get("/v1/agency/files/payments/nothing/notices", big["viewer"]).status == 404
    assert api.get(PATH).status == 401


def test_every_read_is_audited_with_the_search_masked(api, big, console) -> None:
    _, phone = UNITS[1]
    searched = api.get(f"{PATH}?q={phone}&status=created&page=1", big["viewer"]).body
    api.get(PATH + "?format=csv", big["viewer"])
    reads = [e for e in console.tables.audit.scan() if e.action == "list_recipients"]
    assert {(e.staff, e.subject, e.outcome) for e in reads} == {("viewer.na", FILE, "ok")}
    details = sorted((e.details.as_dict() for e in reads), key=lambda d: d["format"])
    assert details[0] == {"format": "csv", "page": 1, "rows": SEEDED}
    assert details[1] == {
        "format": "json",
        "page": 1,
        "q": "********002",
        "status": "created",
        "rows": searched["total"],
    }
    assert 0 < searched["total"] <= SEEDED // len(UNITS)
    assert all(phone[3:] not in str(e.attribute_values) for e in console.tables.audit.scan())


def test_a_staged_file_has_sent_nothing(api, console, id_token, pump) -> None:
    token = id_token("uploader.na")
    stage(api, token, "later", "payment_id,unit_code,paid_on,amount_vnd\n")
    pump.run_until_idle()
    answer = api.get("/v1/agency/files/payments/later/notices", id_token("viewer.na"))
    assert answer.status == 200, answer.body
    assert (answer.body["total"], answer.body["notices"], answer.body["pages"]) == (0, [], 1)


HOSTILE = [
    "status=nope",
    "page=0",
    "page=-1",
    "page=1e3",
    "page=" + "9" * 20,
    "format=xml",
    "q=%3Cscript%3E",
    "q=" + "1" * 60,
]


def test_hostile_parameters_are_a_clear_400(api, big) -> None:
    for query in HOSTILE:  # one file's notices, every query against them
        answer = api.get(f"{PATH}?{query}", big["viewer"])
        assert (answer.status, answer.body["error"]["code"]) == (400, "bad_input"), (query, answer.body)
