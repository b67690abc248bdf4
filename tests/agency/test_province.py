"""Province isolation through the real routes and the ingest (issue 21): a file name stays its first
uploader's province's, a provincial file touches only its province's people, employers, cards and
dossiers, the check says how many rows it refused, and another province's things answer as absent."""

from __future__ import annotations

import boto3
import pytest

from tests.agency.test_uploaded_files import UNITS, post_file
from tests.conftest import REGION

NA_PERSON, NA_PHONE = "4012345678", "+84912000111"
NEW_PHONE = "0987654321"


def send(api, token: str, kind: str, name: str, text: str, mode: str = "send") -> dict:
    answer = api.post("/v1/agency/uploads", {"kind": kind, "name": name, "mode": mode}, token=token)
    assert answer.status == 201, answer.body
    assert int(post_file(answer.body, text).status_code) == 201
    return answer.body


@pytest.fixture
def nghe_an(pump, upload, make) -> None:
    """Nghệ An's units (and one of Hà Nội's), and one Nghệ An person, from the agency's own systems."""
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()
    make.person(NA_PERSON, phone=NA_PHONE, unit="TZH490L", province="40")


def _refusals(console) -> set[tuple[str, str, str, str]]:
    return {
        (e.staff, e.province_code, e.outcome, e.details.as_dict().get("reason", ""))
        for e in console.tables.audit.scan()
        if e.action == "upload" and e.outcome == "refused"
    }


def test_another_provinces_upload_under_a_taken_name_is_a_409_audited_in_both_provinces(
    api, id_token, pump, nghe_an, console
) -> None:
    send(api, id_token("uploader.na"), "payments", "thang-11", "payment_id,unit_code,paid_on,amount_vnd\n")
    pump.run_until_idle()
    for mode in ("send", "check"):
        answer = api.post(
            "/v1/agency/uploads", {"kind": "payments", "name": "thang-11", "mode": mode}, id_token("uploader.hn")
        )
        assert answer.status == 409 and answer.body["error"]["code"] == "conflict", answer.body
        assert set(answer.body["error"]) == {"code", "message", "messages"}
    assert _refusals(console) == {
        ("uploader.hn", "01", "refused", "name_owned"),
        ("uploader.hn", "40", "refused", "name_owned"),
    }
    assert console.tables.files.get("incoming/payments/thang-11.csv").province_code == "40"
    # Nghệ An's own trail shows who tried to take its file's name
    trail = api.get("/v1/agency/audit?action=upload", id_token("viewer.na")).body["entries"]
    assert {(e["staff"], e["outcome"], e["details"].get("by_province")) for e in trail} >= {
        ("uploader.hn", "refused", "01")
    }
    # the owner still sees and controls its file; the other province is told it is not there
    assert api.get("/v1/agency/files/payments/thang-11", id_token("viewer.na")).status == 200
    for action in ("pause", "stop", "resume", "release", "cancel"):  # not 409 "already released"
        answer = api.post(f"/v1/agency/files/payments/thang-11/{action}", token=id_token("uploader.hn"))
        assert answer.status == 404, action
    # the same province may upload it again
    assert (
        api.post("/v1/agency/uploads", {"kind": "payments", "name": "thang-11"}, id_token("uploader.na")).status == 201
    )


def test_a_direct_upload_carrying_another_provinces_metadata_is_not_taken_under_a_taken_name(
    api, id_token, pump, nghe_an, console, stack
) -> None:
    send(api, id_token("uploader.na"), "payments", "thang-11", "payment_id,unit_code,paid_on,amount_vnd\n")
    pump.run_until_idle()
    before = console.tables.files.get("incoming/payments/thang-11.csv")
    s3 = boto3.client("s3", region_name=REGION)
    for key in ("incoming/payments/thang-11.csv", "staged/payments/thang-11.csv"):
        s3.put_object(
            Bucket=stack.bucket,
            Key=key,
            Body=b"payment_id,unit_code,paid_on,amount_vnd\nHN-1,HN0003C,2026-11-05,100\n",
            Metadata={"province-code": "01", "uploaded-by": "uploader.hn"},
        )
    pump.run_until_idle()
    after = console.tables.files.get("incoming/payments/thang-11.csv")
    assert (after.province_code, after.version, after.uploaded_by) == ("40", before.version, "uploader.na")
    assert console.tables.files.count("staged/payments/thang-11.csv") == 0
    assert list(console.tables.ledger.scan()) == []
    assert _refusals(console) == {
        ("uploader.hn", "01", "refused", "name_owned"),
        ("uploader.hn", "40", "refused", "name_owned"),
    }


def test_a_provincial_file_may_not_touch_another_provinces_person_or_employer(
    api, id_token, pump, nghe_an, console, sent_sms
) -> None:
    people = (
        "ss_code,full_name,date_of_birth,phone,unit_code,province_code\n"
        f"{NA_PERSON},Nguyễn Văn An,1990-01-01,{NEW_PHONE},,01\n"  # move Nghệ An's person to Hà Nội
        f"{NA_PERSON},Nguyễn Văn An,1990-01-01,{NEW_PHONE},,\n"  # or just take their phone
        "0100000001,Trần Thị Hà,1991-02-02,0912000444,HN0003C,\n"  # a new Hà Nội person: taken
        "4000000002,Lê Văn Vinh,1992-03-03,0912000555,,40\n"  # a new person said to be of Nghệ An
        "0100000003,Phạm Văn Nam,1993-04-04,0912000666,NOWHERE1,\n"  # a unit no one knows
    )
    send(api, id_token("uploader.hn"), "people", "nguoi", people)
    employers = "unit_code,name,rep_phone\nTZH490L,Đổi tên,0912000777\nHN0009Z,Công ty mới,0912000888\n"
    send(api, id_token("uploader.hn"), "employers", "don-vi", employers)
    pump.run_until_idle()

    person = console.tables.people.get(NA_PERSON)
    assert (person.phone, person.province_code) == (NA_PHONE, "40")
    assert console.tables.people.get("0100000001").province_code == "01"
    assert console.tables.people.count("4000000002") == 0 and console.tables.people.count("0100000003") == 0
    assert console.tables.employers.get("TZH490L").rep_phone == "+84912345678"
    assert console.tables.employers.get("HN0009Z").province_code == "01"  # a new unit is the file's province
    report = api.get("/v1/agency/files/people/nguoi", id_token("uploader.hn")).body["report"]
    assert (report["accepted"], report["rejected"]) == (1, 4)
    assert [(e["line"], e["column"], e["reason"]) for e in report["errors"]] == [
        (2, "ss_code", "other_province"),
        (3, "ss_code", "other_province"),
        (5, "province_code", "other_province"),
        (6, "unit_code", "unknown_unit"),
    ]
    assert [e["code"] for e in report["errors"]] == ["other_province"] * 3 + [
        "unknown_unit"
    ]  # named in domain/messages.py
    assert NA_PHONE not in {m.phone for m in sent_sms()}  # no phone_changed: nothing changed


def test_a_national_file_writes_across_provinces(api, pump, nghe_an, console, upload) -> None:
    upload(
        "people",
        "all.csv",
        f"ss_code,full_name,date_of_birth,phone,province_code\n{NA_PERSON},An,1990-01-01,{NEW_PHONE},01\n",
    )
    pump.run_until_idle()
    assert console.tables.people.get(NA_PERSON).province_code == "01"


def test_the_check_says_how_many_rows_the_province_refuses_and_warns(api, id_token, pump, nghe_an, console) -> None:
    payments = (
        "payment_id,unit_code,paid_on,amount_vnd\n"
        "HN-1,HN0003C,2026-11-05,100000\n"
        "HN-2,TZH490L,2026-11-05,100000\n"  # Nghệ An's unit
        "HN-3,NOWHERE1,2026-11-05,100000\n"  # no such unit: reported, not counted as "no phone"
    )
    send(api, id_token("uploader.hn"), "payments", "check-11", payments, mode="check")
    pump.run_until_idle()
    body = api.get("/v1/agency/files/payments/check-11", id_token("uploader.hn")).body
    assert (body["report"]["accepted"], body["report"]["rejected"]) == (1, 2)
    preview = body["preview"]
    assert preview["refused"] == {"other_province": 1, "unknown_unit": 1, "unknown_person": 0}
    assert preview["warnings"] == ["other_province", "unknown_unit"]
    assert preview["notices"] == 1 and preview["unreachable"] == 0


def test_the_check_warns_when_the_notices_would_wait_for_the_morning(api, id_token, pump, nghe_an, clock) -> None:
    clock.set(clock().replace(hour=22))
    send(
        api,
        id_token("uploader.na"),
        "payments",
        "dem",
        "payment_id,unit_code,paid_on,amount_vnd\nP-1,TZH490L,2026-11-05,100\n",
        mode="check",
    )
    pump.run_until_idle()
    preview = api.get("/v1/agency/files/payments/dem", id_token("uploader.na")).body["preview"]
    assert preview["warnings"] == ["night"] and preview["notices"] == 1


def test_the_page_names_every_warning_of_the_check_in_vietnamese_and_english() -> None:
    from pathlib import Path

    from chalicelib.domain.province import REASONS

    page = (Path(__file__).parents[2] / "chalicelib/agency/static/console.html").read_text(encoding="utf-8")
    for warning in (*REASONS, "night", "same_file", "same_name", "same_facts"):
        assert page.count(f"w_{warning}:") == 2, warning
