"""The console's files over in-process moto, driven through the real routes: upload by presigned POST,
check before sending (every bad row, the preview), release or cancel, the province's list, reports,
and the province and role limits on every route."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
import requests

from tests.conftest import REGION
from tests.factories import workbook

UNITS = (
    "unit_code,name,rep_phone,province_code\n"
    "TZH490L,Công ty Dệt may Hoàng Mai,0912345678,40\n"
    "NA0002B,Công ty Gạch Vinh,0912000222,40\n"
    "HN0003C,Công ty Hà Nội,0988000333,01\n"
)
PAYMENTS = (
    "payment_id,unit_code,paid_on,amount_vnd,period\n"
    "PT-0001,TZH490L,2026-11-05,12500000,2026-10\n"
    "PT-0002,TZH490L,2026-11-06,abc,2026-10\n"
    "PT-0003,NA0002B,2026-11-06,8000000,2026-10\n"
    "PT-0004,NA0002B,2026-13-45,8000000,2026-10\n"
    "PT-0005,NA0002B,2026-11-07,9100000,2026-10\n"
)


@pytest.fixture
def units(pump, upload) -> None:
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()


def post_file(upload_answer: dict, text: str | bytes) -> requests.Response:
    """What the page does with the answer: a multipart POST straight to S3 (moto, in process)."""
    return requests.post(
        upload_answer["url"],
        data=upload_answer["fields"],
        files={"file": ("f.csv", text.encode("utf-8") if isinstance(text, str) else text, "text/csv")},
        timeout=10,
    )


def stage(api, token: str, name: str, text: str | bytes, mode: str = "check") -> dict:
    answer = api.post("/v1/agency/uploads", {"kind": "payments", "name": name, "mode": mode}, token=token)
    assert answer.status == 201, answer.body
    assert int(post_file(answer.body, text).status_code) == 201  # in-process moto answers "201"
    return answer.body


def test_an_upload_is_a_presigned_post_fixing_key_size_uploader_and_province(api, id_token, console) -> None:
    answer = api.post(
        "/v1/agency/uploads", {"kind": "payments", "name": "2026-11.csv", "mode": "check"}, id_token("uploader.na")
    )
    assert answer.status == 201
    fields = answer.body["fields"]
    assert fields["key"] == "staged/payments/2026-11.csv" and answer.body["key"] == fields["key"]
    assert fields["x-amz-meta-uploaded-by"] == "uploader.na" and fields["x-amz-meta-province-code"] == "40"
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert {"key": "staged/payments/2026-11.csv"} in conditions
    assert {"x-amz-meta-uploaded-by": "uploader.na"} in conditions
    assert {"x-amz-meta-province-code": "40"} in conditions
    assert ["content-length-range", 1, console.settings.max_upload_bytes] in conditions
    send = api.post("/v1/agency/uploads", {"kind": "payments", "name": "2026-11"}, id_token("uploader.na"))
    assert send.body["key"] == "incoming/payments/2026-11.csv"
    scan = console.tables.audit.scan()
    entries = {e.subject: (e.staff, e.action, e.details.as_dict()) for e in scan if e.action != "sign_in"}
    assert entries == {
        "staged/payments/2026-11.csv": ("uploader.na", "upload", {"mode": "check"}),
        "incoming/payments/2026-11.csv": ("uploader.na", "upload", {"mode": "send"}),
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "payments/../people", "name": "x"}, "kind"),
        ({"kind": "secrets", "name": "x"}, "kind"),
        ({"kind": "payments", "name": "../../reports/payments/x"}, "name"),
        ({"kind": "payments", "name": "a/b"}, "name"),
        ({"kind": "payments", "name": ".hidden"}, "name"),
        ({"kind": "payments", "name": "a..b"}, "name"),
        ({"kind": "payments", "name": "x" * 101}, "name"),
        ({"kind": "payments", "name": "tháng-11"}, "name"),
        ({"kind": "payments", "name": "x\u202egpj.csv"}, "name"),
        ({"kind": "payments", "name": ""}, "name"),
        ({"kind": "payments", "name": 7}, "name"),
        ({"kind": "payments", "name": "x", "mode": "now"}, "mode"),
    ],
)
def test_hostile_kinds_and_names_are_a_clear_400(api, id_token, body, field) -> None:
    answer = api.post("/v1/agency/uploads", body, id_token("uploader.na"))
    assert answer.status == 400
    assert answer.body["error"]["message"].startswith(f"{field}:")


def test_bodies_that_are_not_json_objects_or_too_big_are_refused(api, id_token) -> None:
    token = id_token("uploader.na")
    assert api.post("/v1/agency/uploads", raw=b"[1,2]", token=token).status == 400
    assert api.post("/v1/agency/uploads", raw=b"{nope", token=token).status == 400
    assert api.post("/v1/agency/uploads", raw=b'{"x": "' + b"a" * 70_000 + b'"}', token=token).status == 413


def test_a_viewer_or_support_cannot_upload_and_the_refusal_is_audited(api, id_token, console) -> None:
    for who in ("viewer.na", "support.na"):
        answer = api.post("/v1/agency/uploads", {"kind": "payments", "name": "x"}, id_token(who))
        assert answer.status == 403 and answer.body["error"]["code"] == "forbidden"
    refused = [(e.staff, e.action, e.outcome) for e in console.tables.audit.scan() if e.action != "sign_in"]
    assert sorted(refused) == [("support.na", "upload", "refused"), ("viewer.na", "upload", "refused")]


def test_a_staged_file_is_checked_in_full_and_previewed_and_nothing_is_taken(
    api, id_token, pump, units, console, sent_sms
) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()

    answer = api.get("/v1/agency/files/payments/2026-11", token)
    assert answer.status == 200, answer.body
    body = answer.body
    assert (body["file"], body["status"], body["stage"]) == ("staged/payments/2026-11.csv", "staged", "staged")
    report = body["report"]
    assert (report["status"], report["rows"], report["accepted"], report["rejected"]) == ("done", 5, 3, 2)
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(3, "amount_vnd"), (5, "paid_on")]
    assert report["uploaded_by"] == "uploader.na" and report["province_code"] == "40"
    preview = body["preview"]
    assert preview["notices"] == 3 and preview["by_template"]["payment_received"]["notices"] == 3
    assert preview["parts"] == 3 and preview["cost_usd"] == round(3 * 0.0399, 2)
    assert len(preview["samples"]) == 3
    sample = preview["samples"][0]
    assert sample["phone"] == "********678" and "12.500.000 dong" in sample["text"] and sample["parts"] == 1
    assert preview["warnings"] == []
    # nothing taken, nothing sent
    assert list(console.tables.ledger.scan()) == [] and sent_sms() == []
    assert console.tables.files.get("staged/payments/2026-11.csv").status == "staged"


def test_the_errors_csv_is_a_short_lived_link_to_every_rejected_row(api, id_token, pump, units) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()
    link = api.get("/v1/agency/files/payments/2026-11/errors", token)
    assert link.status == 200 and link.body["expires_in"] == 300
    text = requests.get(link.body["url"], timeout=10).text
    assert text.splitlines()[0] == "line,column,reason" and len(text.splitlines()) == 3
    assert "PT-0002" in text and "PT-0004" in text


def test_releasing_takes_the_file_and_its_sms_go_once(api, id_token, pump, units, console, sent_sms) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()

    released = api.post("/v1/agency/files/payments/2026-11/release", token=token)
    assert released.status == 200, released.body
    assert released.body["file"] == "incoming/payments/2026-11.csv"
    assert api.post("/v1/agency/files/payments/2026-11/release", token=token).status == 409
    pump.run_until_idle()

    assert sorted(s.phone for s in sent_sms()) == ["+84912000222", "+84912000222", "+84912345678"]
    body = api.get("/v1/agency/files/payments/2026-11", token).body
    assert (body["file"], body["status"]) == ("incoming/payments/2026-11.csv", "done")
    assert body["report"]["uploaded_by"] == "uploader.na" and body["report"]["rejected"] == 2
    assert (body["batch"]["state"], body["batch"]["counts"]) == ("active", {"sent": 3})
    report = json.loads(
        boto3.client("s3", region_name=REGION)
        .get_object(Bucket="bhxh-local-ingest", Key="reports/payments/2026-11.json")["Body"]
        .read()
    )
    assert (report["uploaded_by"], report["province_code"]) == ("uploader.na", "40")
    actions = {(e.action, e.subject) for e in console.tables.audit.scan() if e.action != "sign_in"}
    assert actions == {
        ("upload", "staged/payments/2026-11.csv"),
        ("release", "staged/payments/2026-11.csv"),
        ("read_rejected", "incoming/payments/2026-11.csv"),  # the file page, showing its two rejected rows
    }


def test_staging_the_same_facts_again_warns_and_counts_them_as_already_sent(api, id_token, pump, units) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()
    api.post("/v1/agency/files/payments/2026-11/release", token=token)
    pump.run_until_idle()

    stage(api, token, "2026-11", PAYMENTS)  # the very same file again
    stage(api, token, "2026-11-copy", PAYMENTS)  # the same facts under another name
    pump.run_until_idle()
    same = api.get("/v1/agency/files/payments/2026-11", token).body["preview"]
    assert same["warnings"] == ["same_file", "same_facts"] and same["notices"] == 0
    assert same["already_recorded"] == 3
    copy = api.get("/v1/agency/files/payments/2026-11-copy", token).body["preview"]
    assert copy["warnings"] == ["same_facts"] and copy["cost_usd"] == 0


def test_cancelling_takes_nothing_and_leaves_a_cancelled_report(api, id_token, pump, units, console, sent_sms) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()
    answer = api.post("/v1/agency/files/payments/2026-11/cancel", token=token)
    assert answer.status == 200 and answer.body["status"] == "cancelled"
    assert api.post("/v1/agency/files/payments/2026-11/release", token=token).status == 409
    pump.run_until_idle()
    assert sent_sms() == [] and list(console.tables.ledger.scan()) == []
    s3 = boto3.client("s3", region_name=REGION)
    report = json.loads(
        s3.get_object(Bucket="bhxh-local-ingest", Key="reports/staged/payments/2026-11.json")["Body"].read()
    )
    assert report["status"] == "cancelled" and report["cancelled_by"] == "uploader.na"
    listed = api.get("/v1/agency/files", token).body["files"]
    assert [(f["file"], f["status"]) for f in listed] == [("staged/payments/2026-11.csv", "cancelled")]


def test_a_file_refused_whole_cannot_be_released(api, id_token, pump, units) -> None:
    token = id_token("uploader.na")
    stage(api, token, "bad", "payment_id,unit_code\nPT-1,TZH490L\n")
    pump.run_until_idle()
    body = api.get("/v1/agency/files/payments/bad", token).body
    assert body["report"]["status"] == "rejected" and "amount_vnd" in body["report"]["reason"]
    assert body["preview"] is None
    assert api.post("/v1/agency/files/payments/bad/release", token=token).status == 409


def test_a_staged_file_its_check_refused_is_listed_as_refused_with_the_reason_in_both_languages(
    api, id_token, pump, units
) -> None:
    token = id_token("uploader.na")
    stage(api, token, "latin", b"payment_id,unit_code,paid_on,amount_vnd\nPT-1,TZH490L,2026-11-05,\x81\x8d\n")
    stage(api, token, "good", PAYMENTS)
    pump.run_until_idle()
    listed = {f["name"]: f for f in api.get("/v1/agency/files", token).body["files"]}
    refused = listed["latin"]
    assert (refused["status"], refused["stage"], refused["check"]) == ("rejected", "staged", "rejected")
    assert refused["reason"] == "not UTF-8, Windows-1258 or Windows-1252 text (line 2)"
    said = refused["reason_text"]
    assert said["code"] == "not_text" and "Windows-1258" in said["vi"] and "binary" in said["en"]
    assert said["what_to_do"]["vi"].startswith("Mở tệp bằng Excel") and "save it as" in said["what_to_do"]["en"]
    assert (listed["good"]["status"], "reason_text" in listed["good"]) == ("staged", False)
    assert (refused["shown_status"], listed["good"]["shown_status"]) == ("rejected", "staged")
    assert [f["name"] for f in api.get("/v1/agency/files?status=rejected", token).body["files"]] == ["latin"]
    assert [f["name"] for f in api.get("/v1/agency/files?status=staged", token).body["files"]] == ["good"]
    body = api.get("/v1/agency/files/payments/latin", token).body
    assert body["status"] == "rejected" and body["report"]["reason_text"]["code"] == "not_text"
    assert api.post("/v1/agency/files/payments/latin/release", token=token).status == 409
    assert api.post("/v1/agency/files/payments/latin/cancel", token=token).status == 200  # cleared from the list


def test_another_province_cannot_see_or_touch_the_file_and_is_answered_as_for_no_file(
    api, id_token, pump, units, console
) -> None:
    stage(api, id_token("uploader.na"), "2026-11", PAYMENTS)
    pump.run_until_idle()
    hanoi = id_token("uploader.hn")
    assert api.get("/v1/agency/files", hanoi).body["files"] == []
    for method, path in [
        ("get", "/v1/agency/files/payments/{}"),
        ("get", "/v1/agency/files/payments/{}/errors"),
        ("post", "/v1/agency/files/payments/{}/release"),
        ("post", "/v1/agency/files/payments/{}/cancel"),
    ]:
        call = api.get if method == "get" else (lambda p, t: api.post(p, token=t))
        answer, missing = call(path.format("2026-11"), hanoi), call(path.format("2026-12"), hanoi)
        assert answer.status == missing.status == 404, path
        assert answer.body["error"]["message"] == missing.body["error"]["message"].replace("2026-12", "2026-11")
    refused = [e for e in console.tables.audit.scan() if e.outcome == "refused"]
    assert {(e.staff, e.action, e.subject) for e in refused} == {
        ("uploader.hn", "read_file", "staged/payments/2026-11.csv"),
        ("uploader.hn", "read_rejected", "staged/payments/2026-11.csv"),  # the errors CSV
        ("uploader.hn", "release", "staged/payments/2026-11.csv"),
        ("uploader.hn", "cancel", "staged/payments/2026-11.csv"),
    }
    assert console.tables.files.get("staged/payments/2026-11.csv").status == "staged"


def test_a_viewer_sees_the_province_files_but_cannot_release_or_stop(api, id_token, pump, units) -> None:
    stage(api, id_token("uploader.na"), "2026-11", PAYMENTS)
    pump.run_until_idle()
    viewer = id_token("viewer.na")
    [listed] = api.get("/v1/agency/files", viewer).body["files"]
    assert listed["file"] == "staged/payments/2026-11.csv" and listed["rows"] == 5
    assert api.post("/v1/agency/files/payments/2026-11/release", token=viewer).status == 403
    assert api.post("/v1/agency/files/payments/2026-11/stop", token=viewer).status == 403


def test_the_files_list_is_newest_first_and_filters_by_kind_status_and_day(api, id_token, pump, units, clock) -> None:
    token = id_token("uploader.na")
    stage(api, token, "first", PAYMENTS)
    pump.run_until_idle()
    clock.advance(minutes=5)
    stage(api, token, "second", PAYMENTS)
    pump.run_until_idle()
    names = [f["name"] for f in api.get("/v1/agency/files", token).body["files"]]
    assert names == ["second", "first"]
    assert api.get("/v1/agency/files?kind=people", token).body["files"] == []
    assert len(api.get("/v1/agency/files?status=staged&since=2026-11-25", token).body["files"]) == 2
    assert api.get("/v1/agency/files?since=2026-11-26", token).body["files"] == []
    for bad in ("kind=../x", "status=sent", "since=yesterday"):
        assert api.get(f"/v1/agency/files?{bad}", token).status == 400


def test_unknown_files_are_404_and_path_tricks_400(api, id_token) -> None:
    token = id_token("viewer.na")
    assert api.get("/v1/agency/files/payments/nothing-here", token).status == 404
    assert api.get("/v1/agency/files/nokind/x", token).status == 400
    assert api.get("/v1/agency/files/payments/..", token).status == 400
    assert api.get("/v1/agency/files/payments/" + "a" * 5000, token).status == 400


def test_an_event_for_a_staged_file_already_gone_is_done_with_not_retried(console) -> None:
    """Released or cancelled before its check ran, or S3's event delivered twice: nothing to check."""
    from chalicelib.handlers.ingest import handle as handle_ingest_event

    notification = {
        "Records": [
            {
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": "bhxh-local-ingest"}, "object": {"key": "staged/payments/gone.csv"}},
            }
        ]
    }
    record = {
        "messageId": "m-1",
        "receiptHandle": "r-1",
        "body": json.dumps(notification),
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-southeast-1:123456789012:bhxh-local-ingest",
        "awsRegion": REGION,
    }
    assert handle_ingest_event({"Records": [record]}) == {"batchItemFailures": []}
    assert list(console.tables.files.scan()) == []


def test_an_excel_workbook_is_uploaded_as_xlsx_checked_as_its_csv_and_listed_under_that_name(
    api, id_token, pump, units, console
) -> None:
    token = id_token("uploader.na")
    rows = [line.split(",") for line in PAYMENTS.splitlines()]
    answer = api.post("/v1/agency/uploads", {"kind": "payments", "name": "t11.xlsx", "format": "xlsx"}, token)
    assert answer.status == 201
    assert (answer.body["key"], answer.body["file"]) == ("incoming/payments/t11.xlsx", "incoming/payments/t11.csv")
    checked = api.post(
        "/v1/agency/uploads", {"kind": "payments", "name": "t11", "format": "xlsx", "mode": "check"}, token
    )
    assert (checked.body["key"], checked.body["file"]) == ("staged/payments/t11.xlsx", "staged/payments/t11.csv")
    sent = requests.post(
        checked.body["url"],
        data=checked.body["fields"],
        files={"file": ("t11.xlsx", workbook(rows), "application/octet-stream")},
        timeout=10,
    )
    assert int(sent.status_code) == 201
    pump.run_until_idle()
    body = api.get("/v1/agency/files/payments/t11", token).body
    assert (body["file"], body["status"]) == ("staged/payments/t11.csv", "staged")
    assert (body["report"]["status"], body["report"]["rows"], body["report"]["accepted"]) == ("done", 5, 3)
    assert body["report"]["uploaded_by"] == "uploader.na"
    bad = api.post("/v1/agency/uploads", {"kind": "payments", "name": "x", "format": "xls"}, token)
    assert bad.status == 400 and bad.body["error"]["message"].startswith("format:")


def test_a_staged_workbook_that_cannot_be_read_is_listed_as_refused_saying_why(api, id_token, pump, units) -> None:
    token = id_token("uploader.na")
    answer = api.post(
        "/v1/agency/uploads", {"kind": "payments", "name": "old", "format": "xlsx", "mode": "check"}, token
    )
    assert int(post_file(answer.body, b"\xd0\xcf\x11\xe0 an old .xls").status_code) == 201
    pump.run_until_idle()
    [listed] = api.get("/v1/agency/files", token).body["files"]
    assert (listed["file"], listed["status"]) == ("staged/payments/old.csv", "rejected")
    assert listed["reason"] == "not an Excel workbook (.xlsx) that can be read: BadZipFile"
    assert listed["reason_text"]["code"] == "not_workbook" and ".xls" in listed["reason_text"]["what_to_do"]["vi"]


def test_two_uploads_of_one_name_are_two_rows_each_its_own_batch(api, id_token, pump, units, clock) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS, mode="send")
    pump.run_until_idle()
    clock.advance(minutes=5)
    stage(api, token, "2026-11", PAYMENTS.replace("PT-0005", "PT-0006"), mode="send")
    pump.run_until_idle()
    rows = api.get("/v1/agency/files", token).body["files"]
    assert [(r["file"], r["newest"]) for r in rows] == [
        ("incoming/payments/2026-11.csv", True),
        ("incoming/payments/2026-11.csv", False),
    ]
    assert rows[0]["version"] != rows[1]["version"] and rows[1]["rows"] == 5
    assert [(r["status"], r["shown_status"]) for r in rows] == [("done", "done"), ("done", "done")]
    assert not any(rows[1]["actions"].values())  # only the newest upload is acted on
    page = api.get("/v1/agency/files/payments/2026-11", token).body
    assert [e["version"] for e in page["earlier"]] == [rows[1]["version"]]


def test_paused_and_stopped_files_are_told_apart_with_the_buttons_left(api, id_token, pump, units) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS, mode="send")
    pump.run_until_idle()
    [done] = api.get("/v1/agency/files", token).body["files"]
    assert done["status"] == "done" and done["unsent"] == 0
    assert not (done["actions"]["pause"] or done["actions"]["stop"] or done["actions"]["release"])

    stage(api, token, "checked", PAYMENTS)
    pump.run_until_idle()
    staged = next(f for f in api.get("/v1/agency/files", token).body["files"] if f["name"] == "checked")
    assert staged["status"] == "staged"
    assert staged["actions"] == {
        "release": True,
        "approve": False,
        "cancel": True,
        "pause": False,
        "resume": False,
        "stop": False,
    }
    assert api.get("/v1/agency/files?status=paused", token).body["files"] == []


def test_a_staged_file_still_being_checked_is_staged_to_the_contract_and_shown_checking(
    api, id_token, pump, units, console
) -> None:
    token = id_token("uploader.na")
    stage(api, token, "t11", PAYMENTS)
    pump.run_until_idle()
    item = console.tables.files.get("staged/payments/t11.csv")
    item.update(actions=[console.tables.files.check.remove()])  # as while its check is still reading it
    [row] = api.get("/v1/agency/files", token).body["files"]
    assert (row["status"], row["shown_status"]) == ("staged", "checking")
    assert row["actions"]["cancel"] and not row["actions"]["release"]
    assert api.get("/v1/agency/files?status=checking", token).body["files"] == [row]
    assert api.get("/v1/agency/files?status=staged", token).body["files"] == [row]
    page = api.get("/v1/agency/files/payments/t11", token).body
    assert (page["status"], page["shown_status"], page["actions"]) == ("staged", "checking", row["actions"])
