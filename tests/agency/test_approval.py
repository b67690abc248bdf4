"""Two people for a big file (CONTRACT): a staged file whose preview would send more than 5,000 SMS is
released only once a second uploader or support member of its province, not its uploader, approved
it; the approval is audited, and a newer upload needs its own."""

from __future__ import annotations

import pytest

from chalicelib.ingest import release
from tests.agency.test_uploaded_files import PAYMENTS, UNITS, stage

RELEASE = "/v1/agency/files/payments/2026-11/release"
APPROVE = "/v1/agency/files/payments/2026-11/approve"


@pytest.fixture
def big(pump, upload, monkeypatch) -> None:
    """The file of three SMS counts as big: the bound lowered to two."""
    monkeypatch.setattr(release, "TWO_PEOPLE_ABOVE", 2)
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()


def test_a_big_file_is_released_only_after_a_second_person_approves_it(api, id_token, pump, big, console) -> None:
    uploader = id_token("uploader.na")
    stage(api, uploader, "2026-11", PAYMENTS)
    pump.run_until_idle()
    page = api.get("/v1/agency/files/payments/2026-11", uploader).body
    assert page["approval"] == {"needed": True, "above_sms": 2, "approved_by": None, "approved_at": None}

    refused = api.post(RELEASE, token=uploader)
    assert refused.status == 409 and "approve" in refused.body["error"]["message"]
    assert api.post(APPROVE, token=uploader).status == 403  # not its own uploader
    assert api.post(APPROVE, token=id_token("viewer.na")).status == 403  # not a viewer
    assert api.post(APPROVE, token=id_token("uploader.hn")).status in (403, 404)  # not another province

    approved = api.post(APPROVE, token=id_token("support.na"))
    assert approved.status == 200 and approved.body["approved_by"] == "support.na"
    assert api.post(APPROVE, token=id_token("support.na")).status == 409  # once
    assert api.get("/v1/agency/files/payments/2026-11", uploader).body["approval"]["approved_by"] == "support.na"
    assert api.post(RELEASE, token=uploader).status == 200
    entries = [(e.staff, e.action, e.outcome) for e in console.tables.audit.scan() if e.action == "approve"]
    assert ("support.na", "approve", "ok") in entries and ("uploader.na", "approve", "refused") in entries


def test_an_approval_is_for_the_version_checked_a_new_upload_needs_its_own(api, id_token, pump, big) -> None:
    uploader = id_token("uploader.na")
    stage(api, uploader, "2026-11", PAYMENTS)
    pump.run_until_idle()
    assert api.post(APPROVE, token=id_token("support.na")).status == 200
    stage(api, uploader, "2026-11", PAYMENTS.replace("12500000", "12600000"))  # uploaded again, changed
    pump.run_until_idle()
    assert api.post(RELEASE, token=uploader).status == 409


def test_a_file_under_the_bound_needs_no_approval(api, id_token, pump, upload) -> None:
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()
    uploader = id_token("uploader.na")
    stage(api, uploader, "2026-11", PAYMENTS)
    pump.run_until_idle()
    assert api.get("/v1/agency/files/payments/2026-11", uploader).body["approval"]["needed"] is False
    assert api.post(APPROVE, token=id_token("support.na")).status == 409
    assert api.post(RELEASE, token=uploader).status == 200
