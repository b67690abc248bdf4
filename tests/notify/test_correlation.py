"""One correlation id follows a fact from its batch file and row to its SMS and its receipt."""

from __future__ import annotations

import boto3

from chalicelib.domain.status import Status
from tests.conftest import REGION
from tests.factories import EMPLOYERS_CSV, PAYMENTS_CSV

NOTICE = "payment_received#PT-0001"


def source_of(key: str, line: int = 2) -> str:
    """`<file>?versionId=<the upload's version>#<line>`: the row of one upload (its batch)."""
    head = boto3.client("s3", region_name=REGION).head_object(Bucket="bhxh-local-ingest", Key=key)
    return f"{key}?versionId={head['VersionId']}#{line}"


def _told(upload, pump) -> None:
    upload("employers", "units.csv", EMPLOYERS_CSV)
    upload("payments", "a.csv", PAYMENTS_CSV)
    pump.run_until_idle()


def test_the_fact_its_notice_and_the_logs_of_each_step_carry_the_file_and_row(
    upload, pump, svc, publish_receipt, json_logs, notice
) -> None:
    _told(upload, pump)
    source = source_of("incoming/payments/a.csv")  # the file's first row after the header
    assert svc.tables.ledger.get("payment#PT-0001").source == source
    sent = notice(NOTICE)
    assert sent.source == source and sent.status == Status.SENT
    publish_receipt(sent.provider_id)
    pump.run_until_idle()

    lines = json_logs()
    steps = {line["message"]: line for line in lines if line.get("correlation_id") == source}
    assert {"notice queued", "notice sent", "receipt recorded"} <= set(steps)
    assert steps["notice queued"]["notice"] == sent.id  # the keyed hash: no personal value in the logs
    assert steps["notice sent"]["provider_id"] == sent.provider_id
    assert steps["receipt recorded"]["status"] == Status.DELIVERED
    [ingested] = [line for line in lines if line["message"] == "file ingested" and line["file"].endswith("/a.csv")]
    assert ingested["correlation_id"] == "incoming/payments/a.csv"


def test_the_same_fact_in_a_later_file_keeps_the_row_it_was_first_told_from(upload, pump, svc, sent_sms) -> None:
    _told(upload, pump)
    source = source_of("incoming/payments/a.csv")
    header, row = PAYMENTS_CSV.splitlines()
    other = row.replace("PT-0001", "PT-0009")
    upload("payments", "again.csv", f"{header}\n{other}\n{row}\n")  # the same row, a line further down
    pump.run_until_idle()
    assert svc.tables.ledger.get("payment#PT-0001").source == source
    assert svc.tables.ledger.get("payment#PT-0009").source == source_of("incoming/payments/again.csv")
    assert len(sent_sms()) == 2  # PT-0001 once, PT-0009 once


def test_a_changed_fact_carries_the_row_that_changed_it(upload, pump, svc) -> None:
    _told(upload, pump)
    upload("payments", "fix.csv", PAYMENTS_CSV.replace("12500000", "12600000"))
    pump.run_until_idle()
    assert svc.tables.ledger.get("payment#PT-0001").source == source_of("incoming/payments/fix.csv")


def test_a_query_reply_is_correlated_with_the_inbound_message(svc, pump, json_logs) -> None:
    from chalicelib.inbound.queries import handle_inbound_sms
    from tests.factories import carrier

    handle_inbound_sms(svc, carrier("BH ?", sender="+84912345678"))
    pump.run_until_idle()
    [reply] = list(svc.tables.notifications.scan())
    assert reply.source is not None and reply.source.startswith("sms#")
    sent = [line for line in json_logs() if line["message"] == "notice sent"]
    assert [line["correlation_id"] for line in sent] == [reply.source]
