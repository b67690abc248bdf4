"""Reading a file's rejected rows (CONTRACT, "Sign-in"): the file page's and the errors CSV's reads
are audited; a viewer gets them masked (names, ID numbers, phones, ss_codes), an uploader or a
support member as they came."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from chalicelib.domain.privacy import mask_cell, mask_reason
from tests.agency.test_uploaded_files import post_file

PEOPLE = (
    "ss_code,full_name,date_of_birth,phone,id_number\n"
    "4012345678,Nguyễn Văn An,31/02/1990,0912345678,040123456789\n"
    "4012345679,Trần Thị Bình,1991-05-06,0912345679,040123456780\n"
    "4012345670,Lê Văn Cường,1992-07-08,0243826123,040123456781\n"
)
CLEAR = ("Nguyễn Văn An", "0912345678", "040123456789", "4012345678", "Lê Văn Cường", "0243826123")


@pytest.fixture
def checked(api, id_token, pump) -> None:
    """uploader.na's people file, checked: two of its three rows rejected."""
    answer = api.post(
        "/v1/agency/uploads", {"kind": "people", "name": "nguoi", "mode": "check"}, token=id_token("uploader.na")
    )
    assert answer.status == 201, answer.body
    assert int(post_file(answer.body, PEOPLE).status_code) == 201
    pump.run_until_idle()


def _reads(console) -> list[tuple[str, str, dict]]:
    entries = [e for e in console.tables.audit.scan() if e.action == "read_rejected"]
    return sorted(((e.staff, e.subject, e.details.as_dict()) for e in entries), key=lambda r: (r[0], r[2]["via"]))


def test_a_viewer_reads_the_rejected_rows_masked_and_the_read_is_audited(api, id_token, checked, console) -> None:
    viewer = id_token("viewer.na")
    page = api.get("/v1/agency/files/people/nguoi", viewer)
    assert page.status == 200 and page.body["report"]["rejected"] == 2
    assert "0243826123" not in str(page.body) and "31/02/1990" not in str(page.body)
    download = api.get("/v1/agency/files/people/nguoi/errors", viewer)
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    text = download.body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["line", "column", "reason"] and len(rows) == 3
    assert [r[:2] for r in rows[1:]] == [["2", "date_of_birth"], ["4", "phone"]]
    assert rows[1][3:] == ["*******678", "N. V. A.", "**/**/*990", "*******678", "*********789"]
    for value in CLEAR:
        assert value not in text
    assert _reads(console) == [
        ("viewer.na", "staged/people/nguoi.csv", {"masked": True, "rows": 2, "via": "csv"}),
        ("viewer.na", "staged/people/nguoi.csv", {"masked": True, "rows": 2, "via": "page"}),
    ]


def test_an_uploader_reads_them_as_they_came_and_that_is_audited_too(api, id_token, checked, console) -> None:
    uploader = id_token("uploader.na")
    page = api.get("/v1/agency/files/people/nguoi", uploader)
    assert page.status == 200 and len(page.body["report"]["errors"]) == 2
    link = api.get("/v1/agency/files/people/nguoi/errors", uploader)
    assert link.status == 200 and link.body["expires_in"] == 300
    text = requests.get(link.body["url"], timeout=10).text
    assert "Nguyễn Văn An" in text and "0243826123" in text
    assert [(d["via"], d["masked"]) for _, _, d in _reads(console)] == [("csv", False), ("page", False)]


def test_the_polled_file_page_is_audited_once_an_hour_per_reader(api, id_token, checked, console, clock) -> None:
    viewer = id_token("viewer.na")
    for _ in range(5):
        assert api.get("/v1/agency/files/people/nguoi", viewer).status == 200
    assert len(_reads(console)) == 1
    clock.advance(minutes=60)
    assert api.get("/v1/agency/files/people/nguoi", viewer).status == 200
    assert len(_reads(console)) == 2


def test_a_file_with_no_rejected_rows_is_read_without_an_entry(api, id_token, pump, console) -> None:
    uploader = id_token("uploader.na")
    answer = api.post("/v1/agency/uploads", {"kind": "people", "name": "tot", "mode": "check"}, token=uploader)
    post_file(answer.body, PEOPLE.splitlines()[0] + "\n" + PEOPLE.splitlines()[2] + "\n")
    pump.run_until_idle()
    assert api.get("/v1/agency/files/people/tot", uploader).body["report"]["rejected"] == 0
    assert _reads(console) == []


@pytest.mark.parametrize(
    ("cell", "masked"),
    [
        ("Nguyễn Văn An", "N. V. A."),
        ("0912345678", "*******678"),
        ("+84 912 345 678", "+** *** *** 678"),
        ("040123456789", "*********789"),
        ("GD4400110129425", "GD**********425"),
        ("1990-02-31", "****-*2-31"),
        ("TZH490L", "TZH490L"),
        ("12500", "12500"),
        ("Y", "Y"),
        ("", ""),
    ],
)
def test_a_cell_is_masked_by_its_look(cell: str, masked: str) -> None:
    assert mask_cell(cell) == masked


def test_a_reason_quoting_a_value_is_masked() -> None:
    assert mask_reason("impossible date: '31/02/1990'") == "impossible date: '**/**/*990'"
    assert mask_reason("not a whole number: 'abc'") == "not a whole number: 'abc'"
