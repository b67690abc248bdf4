"""`make clock` in the running local stack: a person watches a household card come due."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.clock import ICT
from tests.e2e.conftest import wait_for

SS = "0110129425"
CARD = f"GD479{SS}"


def test_moving_the_clock_to_a_cards_due_morning_sends_its_holder_the_reminder(local_stack) -> None:
    due = (datetime.now(ICT) + timedelta(days=1)).date()
    valid_to = due + timedelta(days=30)
    ddb = local_stack.client("dynamodb")
    ddb.put_item(
        TableName="bhxh-local-people",
        Item={
            "ss_code": {"S": SS},
            "full_name": {"S": "Nguyễn Văn An"},
            "date_of_birth": {"S": "1990-01-01"},
            "phone": {"S": "+84987654321"},
        },
    )
    facts = {"card_no": CARD, "ss_code": SS, "valid_from": "2026-01-01", "valid_to": valid_to.isoformat()}
    ddb.put_item(
        TableName="bhxh-local-ledger",
        Item={
            "pk": {"S": f"hi_card#{CARD}"},
            "kind": {"S": "hi_card"},
            "facts": {"M": {k: {"S": v} for k, v in facts.items()} | {"household": {"BOOL": True}}},
            "due_on": {"S": due.isoformat()},
            "ss_code": {"S": SS},
        },
    )
    local_stack.set_clock(datetime.combine(due, datetime.min.time(), ICT).replace(hour=7).isoformat())
    seven = f"[clock] release_held at {due.isoformat()}T00:00:00+00:00"  # 07:00 in Hanoi is 00:00 UTC
    wait_for(lambda: seven in local_stack.log.read_text(), "the schedules up to 07:00", 180)
    assert local_stack.sms() == []  # nothing is told before the day's 08:00 run

    local_stack.set_clock(datetime.combine(due, datetime.min.time(), ICT).replace(hour=8, minute=5).isoformat())
    [sms] = wait_for(local_stack.sms, "the reminder", 180)
    assert sms["phone_number"] == "+84987654321"
    assert CARD in sms["message"] and valid_to.strftime("%d/%m/%Y") in sms["message"]
