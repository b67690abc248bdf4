"""The log-privacy test's console half (tests/test_log_privacy.py has the service's flows): every console
route of part 2 driven over the samples, logs captured. No log line holds a phone, an ss_code, a card
or ID number or a name; the audit table holds nothing personal beyond the masked subject."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.agency import cases  # noqa: F401  its logger made with the service's, as in the API's process (routes import it on use)
from chalicelib.api.tokens import issue_token
from chalicelib.domain.text import strip_diacritics
from local.stack.demo import upload_samples
from tests.test_log_privacy import PATTERNS, SAMPLES

_MASKED = ("phone ********", "ss_code *******", "unit_code ")


def _people() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((SAMPLES / "people").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows.extend(csv.DictReader(f))
    return rows


def _owed(samples: Path) -> tuple[str, str]:
    """A person of the samples with a month shown owed, and that month."""
    for path in sorted((samples / "history").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if row["status"].strip() == "owed":
                    return row["ss_code"], row["period"][:7]
    raise AssertionError("the samples have no owed month")


@pytest.fixture
def console_day(
    capfd, service_log, stack, console, functions, pump, api, id_token, deliver_recorded_sms, monkeypatch
) -> None:
    """The samples taken and told (one SMS refused by SNS), then a day of the console's part 2."""
    sns = functions.services("send").clients.sms  # the sender's own client, under its role
    real, refusals = sns.publish, ["InvalidParameter"]

    def publish(**kwargs):
        if refusals:
            raise ClientError({"Error": {"Code": refusals.pop(0), "Message": "injected"}}, "Publish")
        return real(**kwargs)

    monkeypatch.setattr(sns, "publish", publish)
    upload_samples(boto3.client("s3", region_name="ap-southeast-1"), stack.bucket)
    pump.run_until_idle()
    assert deliver_recorded_sms()
    pump.run_until_idle()

    support, viewer = id_token("support.na"), id_token("viewer.na")
    person = next(p for p in _people() if p["phone"] and p.get("province_code", "40") in ("40", ""))
    for query in (
        f"phone={person['phone']}",
        f"ss_code={person['ss_code']}",
        f"unit_code={person['unit_code']}",
        "ss_code=4099999999",
        "phone=0912 000 999",
    ):
        api.get(f"/v1/agency/notices?{query}", support)
    failed = [n for n in console.tables.notifications.scan() if n.status == "permanent-failure"]
    assert failed, "one notice should have been refused"
    from urllib.parse import quote

    assert api.post(f"/v1/agency/notices/{quote(failed[0].id, safe='')}/resend", token=support).status in (200, 403)
    pump.run_until_idle()

    ss_code, month = _owed(SAMPLES)
    token = issue_token(ss_code, key=console.jwt_key(), now=console.clock(), issuer="bhxh-local")
    opened = api.post("/v1/me/flags", {"kind": "unpaid_month", "period": month}, token)
    assert opened.status == 201, opened.body
    api.get("/v1/me/claims", token)
    listed = api.get("/v1/agency/cases", support)
    assert listed.status == 200
    api.post(f"/v1/agency/cases/{opened.body['id']}/close", {"outcome": "Đã xử lý với đơn vị."}, support)
    pump.run_until_idle()
    for path in (
        "/v1/agency/figures",
        "/v1/agency/figures?format=csv",
        "/v1/agency/audit",
        "/v1/agency/audit?format=csv",
    ):
        assert api.get(path, viewer).status == 200


def test_no_console_log_line_and_no_audit_item_holds_personal_data(console_day, capfd, service_log, console) -> None:
    out, err = capfd.readouterr()
    lines = [line for line in (out + err + service_log.getvalue()).splitlines() if line.startswith("{")]
    assert any('"console action"' in line for line in lines), "the console's lines should be there"
    assert any('"case closed"' in line for line in lines) and any('"case opened"' in line for line in lines)
    people = _people()
    names = {p["full_name"] for p in people} | {strip_diacritics(p["full_name"]) for p in people}
    values = {p["ss_code"] for p in people} | {p["phone"] for p in people if p["phone"]}
    # every attribute but `at_id`'s random tie-breaker (12 hex digits: a key, not data, all digits now
    # and then) and the TTL (epoch seconds: ten digits, like an ss_code, and no one's)
    items = [{k: v for k, v in e.attribute_values.items() if k != "at_id"} for e in console.tables.audit.scan()]
    assert all(isinstance(item.pop("expires_at"), int) for item in items)
    entries = [json.dumps(item, default=str, ensure_ascii=False) for item in items]
    assert len(entries) >= 8  # five searches, a resend, the cases, a close
    for line in lines + entries:
        for what, pattern in PATTERNS.items():
            assert not pattern.search(line), f"{what}: {line[:300]}"
        assert not any(value in line for value in values), line[:300]
        assert not any(name in line for name in names), line[:300]
    searches = [e for e in console.tables.audit.scan() if e.action == "search_notices"]
    assert len(searches) == 5 and all(e.subject.startswith(_MASKED) for e in searches)
