"""Every flow with its logs captured: no line may hold a phone, an ss_code, a card or ID number, or
a name. The samples' own values are searched for, as well as the patterns. The one test of that
property: each flow whose logs were checked elsewhere (a person's signed-in lookups, the reminders,
a malformed delivery-status record holding a phone) runs here."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from chalice.test import Client

from chalicelib.domain.clock import ICT
from chalicelib.domain.otp import otp_code
from chalicelib.domain.text import strip_diacritics
from chalicelib.inbound.queries import handle_inbound_sms
from local.pump.lambda_events import LocalContext, cloudwatch_logs_event, delivery_status_record
from local.stack.demo import upload_samples
from tests.api.conftest import Api
from tests.api.test_no_leaks import PERSONAL_ROUTES
from tests.factories import carrier

PHONE = "+84987654321"  # a delivery-status record of no notice of ours: skipped, never logged
SMS_LOG_GROUP = "sns/ap-southeast-1/123456789012/DirectPublishToPhoneNumber"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PATTERNS = {
    "phone": re.compile(r"(?<!\d)(?:\+?84|0)[35789]\d{8}(?!\d)"),
    "ss_code": re.compile(r"(?<![\d#])\d{10}(?!\d)"),
    "card_no": re.compile(r"\b[A-Z]{2}[1-5]\d{12}\b"),
    "id_number": re.compile(r"(?<!\d)\d{12}(?!\d)"),
}


def _sample_people() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((SAMPLES / "people").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows.extend(csv.DictReader(f))
    return rows


@pytest.fixture
def every_flow(capfd, service_log, stack, svc, pump, clock, deliver_recorded_sms, functions) -> None:
    """Samples of every kind through ingest, rules and sending; reminders; OTP sign-in and lookups;
    short-code queries; every SMS's delivery receipt. What a day of the service logs."""
    upload_samples(boto3.client("s3", region_name="ap-southeast-1"), stack.bucket)
    pump.run_until_idle()
    clock.set(datetime(2026, 12, 20, 8, 5, tzinfo=ICT))  # a daily run with reminders due
    pump.run_until_idle()

    people = [p for p in _sample_people() if p["phone"]]
    person = people[0]
    parameters.clear_caches()
    with Client(functions.http_app()) as client:
        api = Api(client)
        request = api.post("/v1/otp", {"ss_code": person["ss_code"]}).body
        pump.run_until_idle()
        api.post("/v1/token", {"request_id": request["request_id"], "otp": "000000"})
        api.post("/v1/hi-cards/check", {"card_no": "GD4400000000000", "full_name": "X", "date_of_birth": "2000-01-01"})
        api.get("/v1/me/contributions")
        again = api.post("/v1/otp", {"ss_code": person["ss_code"]}).body["request_id"]  # and signed in
        code = otp_code(svc.otp_key(), again)
        token = api.post("/v1/token", {"request_id": again, "otp": code}).body["token"]
        answers = [api.get(path, token).status for path in PERSONAL_ROUTES]
        assert answers[0] == 200 and set(answers) <= {200, 404}, answers  # 404: no card or plan on file
    for body in (f"BH QT {person['ss_code']}", "BH THE GD4400000000000", "BH HS 00001/2026/00001", "BH HUY", "BH ?"):
        with functions.as_function("api_handler") as fn:
            handle_inbound_sms(fn, carrier(body, sender="+84" + person["phone"][1:]))
    pump.run_until_idle()
    assert deliver_recorded_sms()  # SNS's delivery-status records, each holding the phone
    malformed = '{"delivery": {"destination": "+84912345678"}, "status": "SUC'  # cut short, with the phone
    odd = [malformed, delivery_status_record("none", PHONE, clock())]
    functions.invoke("delivery_logs", cloudwatch_logs_event(SMS_LOG_GROUP, odd, clock()), LocalContext("delivery_logs"))
    pump.run_until_idle()
    parameters.clear_caches()


def test_no_log_line_of_any_flow_holds_personal_data(every_flow, capfd, service_log) -> None:
    out, err = capfd.readouterr()  # the EMF metrics, printed
    lines = [line for line in (out + err + service_log.getvalue()).splitlines() if line.startswith("{")]
    logged = [line for line in lines if '"function_name"' in line]  # log lines, beside the EMF metrics
    assert len(logged) > 50, "the flows should have logged: is the capture working?"
    assert any('"delivery logs applied"' in line for line in logged)
    assert any('"delivery log event skipped"' in line and '"delivery_logs"' in line for line in logged)
    assert any('"hi_card_expiring#' in line for line in logged)  # notices named by template and digest
    people = _sample_people()
    names = {p["full_name"] for p in people} | {strip_diacritics(p["full_name"]) for p in people}
    values = {p["ss_code"] for p in people} | {p["id_number"] for p in people if p["id_number"]}
    for line in lines:
        for what, pattern in PATTERNS.items():
            assert not pattern.search(line), f"{what} in a log line: {line[:300]}"
        assert not any(value in line for value in values), line[:300]
        assert not any(name in line for name in names), line[:300]
