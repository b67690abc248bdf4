"""SMS queries through the running local stack: the carrier's JSON published to the inbound topic
goes through moto's signing and HTTP delivery to `POST /sms/inbound`, and the reply comes back as
an SMS that moto records."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chalicelib.domain import sms_replies as r
from tests.e2e.conftest import wait_for
from tests.factories import carrier

TOPIC = "arn:aws:sns:ap-southeast-1:123456789012:bhxh-local-inbound-sms"
PHONE, OTHER = "+84912345670", "+84983456780"
SS_CODE = "0110129425"


def _publish(stack, body: str, sender: str, inbound_id: str | None = None) -> None:
    message = carrier(body, sender=sender, inbound_id=inbound_id)
    stack.client("sns").publish(TopicArn=TOPIC, Message=message)


def _texts_to(stack, phone: str) -> list[str]:
    return [m["message"] for m in stack.sms() if m["phone_number"] == phone]


def test_a_query_published_to_the_inbound_topic_is_answered_by_sms_once(local_stack) -> None:
    ddb = local_stack.client("dynamodb")
    ddb.put_item(
        TableName="bhxh-local-people",
        Item={
            "ss_code": {"S": SS_CODE},
            "full_name": {"S": "Nguyễn Văn An"},
            "date_of_birth": {"S": "1990-05-01"},
            "phone": {"S": PHONE},
        },
    )
    for period in ("2025-01", "2025-02", "2025-03"):
        ddb.put_item(
            TableName="bhxh-local-history",
            Item={
                "ss_code": {"S": SS_CODE},
                "period_unit": {"S": f"{period}#TZH490L"},
                "period": {"S": period},
                "unit_code": {"S": "TZH490L"},
                "salary_vnd": {"N": "10000000"},
                "si_vnd": {"N": "2550000"},
                "hi_vnd": {"N": "450000"},
                "ui_vnd": {"N": "200000"},
                "status": {"S": "paid"},
            },
        )

    _publish(local_stack, "bh qt 0110129425", PHONE, inbound_id="e2e-1")
    _publish(local_stack, "bh qt 0110129425", PHONE, inbound_id="e2e-1")  # SNS redelivers
    _publish(local_stack, "BH QT 0110129425", OTHER)

    wait_for(lambda: _texts_to(local_stack, PHONE) and _texts_to(local_stack, OTHER), "both replies", 60)
    assert _texts_to(local_stack, PHONE) == [
        f"Ma so BHXH {SS_CODE}: thoi gian tham gia BHXH 0 nam 3 thang; BHTN 0 nam 3 thang."
    ]
    assert _texts_to(local_stack, OTHER) == [r.not_registered(SS_CODE)]


def test_help_and_opt_out_come_back_and_a_forged_post_is_refused(local_stack) -> None:
    import urllib.error
    import urllib.request

    _publish(local_stack, "BH HUY", "+84912000111")
    _publish(local_stack, "xin chao", "+84912000111")
    texts = wait_for(
        lambda: len(_texts_to(local_stack, "+84912000111")) >= 2 and _texts_to(local_stack, "+84912000111"),
        "two replies",
        60,
    )
    assert sorted(texts) == sorted([r.OPTED_OUT, r.HELP])

    forged = {
        "Type": "Notification",
        "MessageId": "x",
        "TopicArn": TOPIC,
        "Message": json.dumps({"originationNumber": "+84912000222", "messageBody": "BH", "inboundMessageId": "f"}),
        "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "SignatureVersion": "2",
        "Signature": "AAAA",
        "SigningCertURL": "https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-forged.pem",
    }
    request = urllib.request.Request(
        f"{local_stack.api}/sms/inbound", data=json.dumps(forged).encode(), headers={"Content-Type": "text/plain"}
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 403
