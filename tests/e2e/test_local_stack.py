"""The first notice through the running local stack: what a person trying `make run` sees."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta

from chalicelib.domain.clock import ICT
from chalicelib.domain.status import Status
from chalicelib.notify.retention import notice_id
from tests.e2e.conftest import wait_for

EMPLOYERS = (
    "unit_code,name,rep_phone\nTZH490L,Công ty TNHH Dệt may Hoàng Mai,0912345678\nYN0123A,Thủy sản Cửa Lò,0983456789\n"
)
PAYMENTS = (
    "payment_id,unit_code,paid_on,amount_vnd\nPT-1,TZH490L,2026-11-05,12500000\nPT-2,YN0123A,06/11/2026,48960000\n"
)


def _upload_in_daytime(local_stack, files: dict[str, str]):
    """Tomorrow 10:00 on the stack's clock (nothing held, whatever time CI runs), then the uploads."""
    tomorrow_ten = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    local_stack.set_clock(tomorrow_ten.isoformat())
    s3 = local_stack.client("s3")
    for name, body in files.items():
        s3.put_object(Bucket="bhxh-local-ingest", Key=f"incoming/{name}", Body=body.encode())
    return s3


def test_the_api_answers_health(local_stack) -> None:
    with urllib.request.urlopen(f"{local_stack.api}/health", timeout=5) as response:
        assert json.load(response) == {"status": "ok"}


def test_uploading_employers_and_payments_sends_each_representative_one_sms_and_a_reupload_none(local_stack) -> None:
    s3 = _upload_in_daytime(local_stack, {"employers/e.csv": EMPLOYERS, "payments/p.csv": PAYMENTS})

    sms = wait_for(lambda: len(local_stack.sms()) >= 2 and local_stack.sms(), "two SMS")
    by_phone = {m["phone_number"]: m["message"] for m in sms}
    assert set(by_phone) == {"+84912345678", "+84983456789"}
    assert "12.500.000 dong" in by_phone["+84912345678"] and "05/11/2026" in by_phone["+84912345678"]

    s3.put_object(Bucket="bhxh-local-ingest", Key="incoming/payments/p-again.csv", Body=PAYMENTS.encode())
    s3.put_object(
        Bucket="bhxh-local-ingest",
        Key="incoming/payments/later.csv",
        Body=b"payment_id,unit_code,paid_on,amount_vnd\nPT-3,TZH490L,2026-11-20,100000\n",
    )
    sms = wait_for(
        lambda: any("100.000" in m["message"] for m in local_stack.sms()) and local_stack.sms(), "the later SMS"
    )
    assert len(sms) == 3  # the re-upload, processed before the later file, sent nothing
    # the pump prints what moto recorded on its next read (every SMS_EVERY_S), which may come after ours
    assert wait_for(lambda: "[sms] to ********678" in local_stack.log.read_text(), "the masked SMS in the log")


DLV_EMPLOYER = "unit_code,name,rep_phone\nDLV001A,Cong ty Giao Nhan,0977123456\n"
DLV_PAYMENT = "payment_id,unit_code,paid_on,amount_vnd\nPT-DLV,DLV001A,2026-11-05,700000\n"


def test_each_sms_the_stack_sends_comes_back_delivered_as_sns_delivery_logs_would_say(local_stack) -> None:
    _upload_in_daytime(local_stack, {"employers/dlv.csv": DLV_EMPLOYER, "payments/dlv.csv": DLV_PAYMENT})
    ddb = local_stack.client("dynamodb")
    dedupe_key = local_stack.client("ssm").get_parameter(Name="/bhxh/local/dedupe-key", WithDecryption=True)
    notice_key = notice_id("payment_received#PT-DLV", dedupe_key["Parameter"]["Value"].encode())

    def notice() -> dict:
        key = {"id": {"S": notice_key}}  # the outbox key: the keyed hash of the dedupe key
        return ddb.get_item(TableName="bhxh-local-notifications", Key=key).get("Item") or {}

    delivered = wait_for(lambda: notice().get("status", {}).get("S") == Status.DELIVERED and notice(), "the receipt")
    [sms] = [m for m in local_stack.sms() if m["phone_number"] == "+84977123456"]
    assert delivered["provider_id"]["S"] == sms["message_id"]  # the receipt named the SMS moto recorded
