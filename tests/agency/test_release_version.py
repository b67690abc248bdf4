"""Release takes exactly the S3 version the preview was computed on; a newer upload under the staged
name needs its own check; a second click releases nothing twice."""

from __future__ import annotations

import boto3
import pytest

from tests.agency.test_uploaded_files import PAYMENTS, UNITS, stage
from tests.conftest import REGION

BUCKET = "bhxh-local-ingest"
STAGED = "staged/payments/2026-11.csv"
OTHER = "payment_id,unit_code,paid_on,amount_vnd,period\nPT-0900,TZH490L,2026-11-09,7000000,2026-10\n"


@pytest.fixture
def units(pump, upload) -> None:
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()


def _versions(key: str) -> list[str]:
    s3 = boto3.client("s3", region_name=REGION)
    found = s3.list_object_versions(Bucket=BUCKET, Prefix=key).get("Versions", [])
    return [v["VersionId"] for v in found if v["Key"] == key]


def test_the_check_keeps_the_version_it_read(api, id_token, pump, units, console) -> None:
    stage(api, id_token("uploader.na"), "2026-11", PAYMENTS)
    pump.run_until_idle()
    item = console.tables.files.get(STAGED)
    assert item.check == "done" and item.version == _versions(STAGED)[0]


def test_a_newer_upload_under_the_staged_name_needs_its_own_check_before_release(
    api,
    id_token,
    pump,
    units,
    console,
    sent_sms,
) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()
    stage(api, token, "2026-11", OTHER)  # uploaded again: its check has not run yet

    refused = api.post("/v1/agency/files/payments/2026-11/release", token=token)
    assert refused.status == 409 and "newer upload" in refused.body["error"]["message"]
    assert sent_sms() == []

    pump.run_until_idle()  # the newer upload is checked: its own preview
    assert api.get("/v1/agency/files/payments/2026-11", token).body["preview"]["notices"] == 1
    released = api.post("/v1/agency/files/payments/2026-11/release", token=token)
    assert released.status == 200 and released.body["version"] == _versions(STAGED)[0]
    pump.run_until_idle()
    assert [s.phone for s in sent_sms()] == ["+84912345678"]  # PT-0900 only


def test_release_copies_the_checked_version_even_if_a_newer_one_lands_meanwhile(
    api,
    id_token,
    pump,
    units,
    console,
    functions,
    monkeypatch,
) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()
    s3 = functions.services("api_handler").clients.s3
    copy = s3.copy_object

    def racing_copy(**kwargs):  # another upload lands between the check of versions and the copy
        boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=STAGED, Body=OTHER.encode())
        return copy(**kwargs)

    monkeypatch.setattr(s3, "copy_object", racing_copy)
    assert api.post("/v1/agency/files/payments/2026-11/release", token=token).status == 200
    taken = boto3.client("s3", region_name=REGION).get_object(Bucket=BUCKET, Key="incoming/payments/2026-11.csv")
    assert taken["Body"].read().decode() == PAYMENTS
    assert taken["Metadata"]["uploaded-by"] == "uploader.na"


def test_a_double_click_on_release_takes_the_file_once(api, id_token, pump, units, console) -> None:
    token = id_token("uploader.na")
    stage(api, token, "2026-11", PAYMENTS)
    pump.run_until_idle()
    first = api.post("/v1/agency/files/payments/2026-11/release", token=token)
    second = api.post("/v1/agency/files/payments/2026-11/release", token=token)
    assert (first.status, second.status) == (200, 409)
    assert second.body["error"]["code"] == "conflict"
    assert len(_versions("incoming/payments/2026-11.csv")) == 1
