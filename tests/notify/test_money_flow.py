"""From the agency's file to the SMS SNS recorded: a benefit paid, a visit settled, and the yearly
statement on 15 January, each told once."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from chalicelib.domain.clock import ICT
from chalicelib.domain.status import Status
from chalicelib.yearly.fanout import Segment, start_statement
from local.pump.event_pump import EventPump
from local.pump.schedule import cron_matches
from local.stack.wiring import build_pump
from tests.conftest import REGION
from tests.factories import PERSON_PHONE as PHONE

SS = "0110129425"
PEOPLE_CSV = f"ss_code,full_name,date_of_birth,phone,unit_code\n{SS},Nguyễn Thị Hương,1990-03-12,0987654321,TZH490L\n"
BENEFITS_CSV = (
    "benefit_id,ss_code,benefit,amount_vnd,paid_on,period\n"
    f"CT-2611-00004,{SS},pension,5432000,14/11/2026,2026-11\n"
    "CT-2611-00005,9999999999,sickness,100000,2026-11-14,\n"  # nobody on file: recorded unreachable
)


@pytest.fixture
def january_pump(svc, stack, clock, functions) -> EventPump:
    """The local pump with its clock at 15 January 2027, 07:50 in Hanoi, before the statement."""
    import app as chalice_app

    clock.set(datetime(2027, 1, 15, 7, 50, tzinfo=ICT))
    return build_pump(chalice_app.app, boto3.session.Session(), stack, clock=clock, moto_url=None, functions=functions)


CLAIMS_CSV = (
    "claim_id,card_no,facility,visit_on,total_vnd,fund_paid_vnd\n"
    f"GDYT-1,DN440{SS},Bệnh viện Đa khoa tỉnh Nghệ An,2026-11-19,230000,218500\n"
    f"GDYT-2,DN440{SS},Bệnh viện Bạch Mai,2026-11-20,100000,100001\n"  # the fund paid more than the cost
)


def test_a_benefit_paid_reaches_the_persons_phone_once(pump, upload, read_report, sent_sms, notice) -> None:
    upload("people", "people.csv", PEOPLE_CSV)
    upload("benefits", "2026-11.csv", BENEFITS_CSV)
    pump.run_until_idle()

    [sms] = sent_sms()
    assert sms.phone == PHONE
    assert "luong huu" in sms.text and "5.432.000 dong" in sms.text and "14/11/2026" in sms.text
    assert notice("benefit_paid#CT-2611-00004").status == Status.SENT
    assert notice("benefit_paid#CT-2611-00005").status == Status.UNREACHABLE

    upload("benefits", "2026-11-again.csv", BENEFITS_CSV)  # the same rows again
    pump.run_until_idle()
    assert read_report("reports/benefits/2026-11-again.json")["status"] == "done"
    assert len(sent_sms()) == 1


def test_a_settled_visit_reaches_the_card_holder_and_a_claim_paying_more_than_its_cost_is_rejected(
    pump, upload, read_report, sent_sms, svc
) -> None:
    upload("people", "people.csv", PEOPLE_CSV)
    upload("hi_claims", "2026-11.csv", CLAIMS_CSV)
    pump.run_until_idle()

    [sms] = sent_sms()
    assert sms.phone == PHONE
    assert "Benh vien Da khoa tinh Nghe An" in sms.text and "19/11/2026" in sms.text and "218.500 dong" in sms.text
    report = read_report("reports/hi_claims/2026-11.json")
    assert (report["accepted"], report["rejected"]) == (1, 1)
    assert "fund_paid_vnd" in str(report["errors"])
    assert svc.tables.ledger.get("hi_claim#GDYT-1").ss_code == SS


def test_on_15_january_each_person_with_a_phone_and_contributions_gets_one_statement(
    january_pump, make, sent_sms, clock, svc
) -> None:
    people = make.crowd(12)
    clock.set(clock().replace(hour=8, minute=5))  # `make clock AT=2027-01-15T08:05`
    january_pump.run_until_idle()

    sms = sent_sms()
    phones = {svc.tables.people.get(ss).phone for ss in people.eligible}
    assert sorted(s.phone for s in sms) == sorted(phones)
    assert all("Nam 2026" in s.text and "BHXH 12 thang, BHTN 12 thang" in s.text for s in sms)

    # running it again (a redelivered tick, segments sent twice) sends nothing twice
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="bhxh-local-yearly")["QueueUrl"]
    start_statement(clock=clock, segments=3, send=lambda s: sqs.send_message(QueueUrl=url, MessageBody=s.to_json()))
    sqs.send_message(QueueUrl=url, MessageBody=Segment(2026, 0, 1).to_json())
    january_pump.run_until_idle()
    assert len(sent_sms()) == len(sms)


def test_the_statement_runs_on_15_january_at_0800_in_hanoi_and_at_no_other_time() -> None:
    import app

    [source] = [s for s in app.app.event_sources if s.name == "yearly_statement"]
    body = source.schedule_expression.to_string().removeprefix("cron(").removesuffix(")")
    assert cron_matches(body, datetime(2027, 1, 15, 8, 0, tzinfo=ICT))
    for other in [(2027, 1, 15, 9, 0), (2027, 1, 14, 8, 0), (2027, 2, 15, 8, 0), (2027, 1, 15, 1, 0)]:
        assert not cron_matches(body, datetime(*other, tzinfo=ICT))


def test_a_statement_tick_retried_in_another_year_still_tells_the_year_its_event_names(functions, clock) -> None:
    from local.pump.lambda_events import LocalContext, scheduled_event

    clock.set(datetime(2028, 1, 2, 9, 0, tzinfo=ICT))  # EventBridge's retry of the 2027 tick, very late
    event = scheduled_event("arn:aws:events:local:rule/yearly_statement", datetime(2027, 1, 15, 1, 0, tzinfo=UTC))
    answer = functions.invoke("yearly_statement", event, LocalContext("yearly_statement"))
    assert answer["year"] == 2026
