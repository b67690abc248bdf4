"""The figures (what `make report` prints) and the audit trail in the console: viewers read them for a
date range, as JSON for the page's chart and tables or as CSV; files and audit entries are the
province's; hostile ranges and filters are a clear 400."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.domain.figures import MEASURES
from tests.agency.test_uploaded_files import PAYMENTS, UNITS, stage


def _csv(answer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.body.decode("utf-8-sig"))))


@pytest.fixture
def a_day(known_day, api, id_token, pump, units) -> None:
    """The known day's notices, and two payment files taken through the console: Nghệ An's and Hà Nội's."""
    known_day()
    stage(api, id_token("uploader.na"), "na-thang-11", PAYMENTS, mode="send")
    hanoi = PAYMENTS.replace("PT-", "HN-").replace("TZH490L", "HN0003C").replace("NA0002B", "HN0003C")
    stage(api, id_token("uploader.hn"), "hn-thang-11", hanoi, mode="send")
    pump.run_until_idle()


@pytest.fixture
def units(pump, upload) -> None:
    upload("employers", "na-units.csv", UNITS)
    pump.run_until_idle()


def test_viewers_see_their_provinces_figures_per_day_and_template_and_their_provinces_files(
    api, id_token, a_day
) -> None:
    answer = api.get("/v1/agency/figures?from=2026-11-25&to=2026-11-25", id_token("viewer.na"))
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["measures"] == list(MEASURES) and (body["from"], body["to"]) == ("2026-11-25", "2026-11-25")
    [payments] = [n for n in body["notices"] if n["template"] == "payment_received"]
    assert payments["day"] == "2026-11-25"
    # Nghệ An's own: the known day's one to TZH490L and its file's two new payments; not Hà Nội's
    # three, nor the one to a unit of no province
    assert (payments["created"], payments["sent"], payments["unreachable"]) == (3, 3, 0)
    assert body["scope"] == {"notices": "40", "files": "40"} and "by_province" not in body
    assert [d["day"] for d in body["per_day"]] == ["2026-11-25"]
    assert body["per_day"][0]["created"] == sum(n["created"] for n in body["notices"])
    assert body["totals"]["created"] == body["per_day"][0]["created"]
    [na] = body["files"]
    assert (na["file"], na["province_code"], na["uploaded_by"]) == (
        "incoming/payments/na-thang-11.csv",
        "40",
        "uploader.na",
    )
    assert (na["rows"], na["taken"], na["rejected"]) == (5, 3, 2)
    assert body["files_totals"] == {"files": 1, "rows": 5, "taken": 3, "rejected": 2}


def test_national_staff_see_every_provinces_figures_and_each_province_apart(api, id_token, a_day, console) -> None:
    import boto3

    from local.stack.staff import DemoStaff, create_demo_staff
    from local.stack.staff import StaffPool as LocalPool

    pool = LocalPool(console.settings.staff_pool_id, console.settings.staff_client_id)
    create_demo_staff(boto3.session.Session(), pool, (DemoStaff("viewer.tw", "viewer", "00", "national"),))
    body = api.get("/v1/agency/figures?from=2026-11-25&to=2026-11-25", id_token("viewer.tw")).body
    [payments] = [n for n in body["notices"] if n["template"] == "payment_received"]
    assert (payments["created"], payments["sent"], payments["unreachable"]) == (7, 6, 1)
    provinces = {p["province_code"]: (p["created"], p["sent"], p["unreachable"]) for p in body["by_province"]}
    assert provinces == {"00": (1, 0, 1), "01": (3, 3, 0), "40": (3, 3, 0)}
    hanoi = api.get("/v1/agency/figures?from=2026-11-25&to=2026-11-25", id_token("uploader.hn")).body
    assert hanoi["totals"]["created"] == 3 and [f["province_code"] for f in hanoi["files"]] == ["01"]


def test_the_figures_download_as_csv_for_a_spreadsheet(api, id_token, a_day) -> None:
    answer = api.get("/v1/agency/figures?from=2026-11-25&to=2026-11-25&format=csv", id_token("viewer.na"))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="figures-2026-11-25_2026-11-25.csv"'
    text = answer.body.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text  # what Excel reads as UTF-8
    rows = _csv(answer)
    assert rows[0] == ["day", "template", *MEASURES]
    assert rows[[r[1] for r in rows].index("payment_received")][:4] == ["2026-11-25", "payment_received", "3", "3"]
    files = api.get("/v1/agency/figures?from=2026-11-25&to=2026-11-25&format=csv&part=files", id_token("viewer.na"))
    lines = _csv(files)
    assert lines[0][:3] == ["file", "kind", "status"] and lines[1][0] == "incoming/payments/na-thang-11.csv"
    assert len(lines) == 2


HOSTILE_RANGES = [
    "from=2026-11-26&to=2026-11-25",
    "from=2026-01-01&to=2026-12-31",  # more than a quarter
    "from=2026-02-30",
    "from=25/11/2026",
    "from=2026-11-25'%20OR%20'1'='1",
    "to=" + "9" * 10_000,
    "format=xml",
    "format=csv&part=everything",
    "from=２０２６-11-25",
]


def test_hostile_ranges_and_formats_are_a_clear_400(api, id_token, a_day) -> None:
    viewer = id_token("viewer.na")
    for query in HOSTILE_RANGES:  # one day's data, every query against it
        for path in ("/v1/agency/figures", "/v1/agency/audit"):
            if "part=" in query and path.endswith("audit"):
                continue
            answer = api.get(f"{path}?{query}", viewer)
            assert (answer.status, answer.body["error"]["code"]) == (400, "bad_input"), (path, query, answer.body)


def test_the_audit_trail_lists_the_provinces_actions_by_staff_and_kind(api, id_token, a_day, console, clock) -> None:
    support = id_token("support.na")
    api.get("/v1/agency/notices?phone=0912345678", support)
    clock.advance(seconds=1)  # one after the other: within one millisecond their order would be the ids'
    api.get("/v1/agency/notices?phone=0988000333", support)  # Hà Nội's: refused
    viewer = id_token("viewer.na")
    everything = api.get("/v1/agency/audit?from=2026-11-25&to=2026-11-25", viewer)
    assert everything.status == 200
    entries = everything.body["entries"]
    assert {e["province_code"] for e in entries} == {"40"}  # Hà Nội's uploader's actions are not Nghệ An's
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    searches = api.get("/v1/agency/audit?from=2026-11-25&to=2026-11-25&action=search_notices", viewer).body["entries"]
    assert [(e["staff"], e["outcome"], e["subject"]) for e in searches] == [
        ("support.na", "refused", "phone ********333"),
        ("support.na", "ok", "phone ********678"),
    ]
    mine = api.get("/v1/agency/audit?from=2026-11-25&to=2026-11-25&staff=uploader.na", viewer).body["entries"]
    assert {e["staff"] for e in mine} == {"uploader.na"} and {"upload", "sign_in"} >= {e["action"] for e in mine}
    both = api.get("/v1/agency/audit?staff=support.na&action=search_notices&from=2026-11-25&to=2026-11-25", viewer)
    assert len(both.body["entries"]) == 2
    assert api.get("/v1/agency/audit?from=2026-11-24&to=2026-11-24", viewer).body["entries"] == []


def test_the_audit_trail_downloads_as_csv_and_national_staff_see_every_province(api, id_token, a_day, console) -> None:
    import boto3

    from local.stack.staff import DemoStaff, create_demo_staff
    from local.stack.staff import StaffPool as LocalPool

    pool = LocalPool(console.settings.staff_pool_id, console.settings.staff_client_id)
    create_demo_staff(boto3.session.Session(), pool, (DemoStaff("viewer.tw", "viewer", "00", "national"),))
    answer = api.get("/v1/agency/audit?from=2026-11-25&to=2026-11-25&format=csv", id_token("viewer.tw"))
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.body.decode("utf-8-sig"))))
    assert {r["province_code"] for r in rows} == {"40", "01", "00"}  # 00: this request's own sign-in
    assert [r["staff"] for r in rows if r["province_code"] == "00"] == ["viewer.tw"]
    assert {r["action"] for r in rows} >= {"upload"}


def test_hostile_audit_filters_are_a_clear_400(api, id_token, a_day) -> None:
    viewer = id_token("viewer.na")
    for query in ["staff=a%20b", "staff=" + "x" * 200, "action=drop_table", "action=%00"]:
        answer = api.get(f"/v1/agency/audit?{query}", viewer)
        assert (answer.status, answer.body["error"]["code"]) == (400, "bad_input"), (query, answer.body)


def test_every_role_may_read_figures_and_the_trail_and_no_token_may_not(api, id_token, a_day) -> None:
    for who in ("viewer.na", "support.na", "uploader.na"):
        assert api.get("/v1/agency/figures", id_token(who)).status == 200
        assert api.get("/v1/agency/audit", id_token(who)).status == 200
    assert api.get("/v1/agency/figures").status == 401 and api.get("/v1/agency/audit").status == 401
