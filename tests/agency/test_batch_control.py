"""Pause, resume and stop a batch file's unsent notices from the console, midway through its sending,
with the counts before and after; nothing already sent is touched, nothing is sent twice.

The sender claims a lane message batch together (the bulk queue's BatchSize, 10: infra/wiring.yaml)
before it publishes them, so a click during the second SMS finds that batch's other notices
`sending`: they go; the file's other notices wait or are cancelled."""

from __future__ import annotations

import pytest

from chalicelib.store.batches import BatchState, batch_counts, batch_state, pause_batch
from tests.agency.test_files import post_file

ROWS = 25
UNITS = "unit_code,name,rep_phone,province_code\n" + "".join(
    f"NA{n:04d}X,Công ty {n},09120{n:05d},40\n" for n in range(1, ROWS + 1)
)
PAYMENTS = "payment_id,unit_code,paid_on,amount_vnd\n" + "".join(
    f"PT-{n:04d},NA{n:04d}X,2026-11-05,{n}000000\n" for n in range(1, ROWS + 1)
)
BATCH = 10  # lane messages claimed together: the bulk queue's BatchSize
CLICKED = {"sent": 1, "sending": BATCH - 1}  # the click came during the second SMS of the first batch
REST = ROWS - BATCH
FILE = "incoming/payments/big.csv"


@pytest.fixture
def sending(pump, upload, api, id_token, console, monkeypatch, functions):
    """Upload the six-payment file through the console (mode send), then send: after the second SMS
    a staff member's click is simulated by `click` (pause or stop through the route)."""
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()
    token = id_token("uploader.na")
    answer = api.post("/v1/agency/uploads", {"kind": "payments", "name": "big", "mode": "send"}, token)
    sns = functions.services("send").clients.sms  # the sender's own client, under its role
    original = sns.publish
    published: list[str] = []
    answers: dict[str, object] = {}

    def run(click: str) -> dict:
        def publish(**kwargs):
            result = original(**kwargs)
            published.append(kwargs["PhoneNumber"])
            if len(published) == 2:
                answers[click] = api.post(f"/v1/agency/files/payments/big/{click}", token=token)
            return result

        monkeypatch.setattr(sns, "publish", publish)
        assert int(post_file(answer.body, PAYMENTS).status_code) == 201
        pump.run_until_idle()
        return answers[click]

    run.published = published  # type: ignore[attr-defined]
    run.token = token  # type: ignore[attr-defined]
    return run


def test_pausing_midway_holds_the_rest_and_resuming_sends_them_once(sending, api, pump, console, clock) -> None:
    paused = sending("pause")
    assert paused.status == 200, paused.body
    assert paused.body["state"] == "paused"
    # clicked while the second SMS was being published: its batch is `sending`, and goes
    assert paused.body["before"] == CLICKED | {"created": REST}
    assert paused.body["after"] == CLICKED | {"held": REST}
    pump.run_until_idle()
    assert len(sending.published) == BATCH
    counts = batch_counts(console.tables, FILE)
    assert counts == {"sent": BATCH, "held": REST}

    clock.advance(minutes=3)  # a person clicks resume a while later (the send's idempotency key has seconds)
    resumed = api.post("/v1/agency/files/payments/big/resume", token=sending.token)
    assert resumed.status == 200 and resumed.body["state"] == "active"
    assert resumed.body["before"] == counts
    pump.run_until_idle()
    assert sorted(sending.published) == sorted(f"+849120{n:05d}" for n in range(1, ROWS + 1))
    assert batch_counts(console.tables, FILE) == {"sent": ROWS}
    audit = {(e.action, e.subject) for e in console.tables.audit.scan()}
    assert {("pause", FILE), ("resume", FILE)} <= audit


def test_stopping_midway_cancels_every_unsent_notice_for_good(sending, api, pump, console, clock) -> None:
    stopped = sending("stop")
    assert stopped.status == 200 and stopped.body["state"] == "stopped"
    assert stopped.body["after"] == CLICKED | {"cancelled": REST}
    pump.run_until_idle()
    sent = len(sending.published)
    assert sent == BATCH  # the batch being published when the click came had already been claimed
    assert batch_counts(console.tables, FILE) == {"sent": BATCH, "cancelled": REST}
    [entry] = [e for e in console.tables.audit.scan() if e.action == "stop"]
    details = entry.details.as_dict()
    assert details == {"before": CLICKED | {"created": REST}, "after": stopped.body["after"]}

    assert api.post("/v1/agency/files/payments/big/resume", token=sending.token).body["state"] == "stopped"
    clock.advance(hours=1)  # the 15-minute job runs: nothing cancelled comes back
    pump.run_until_idle()
    assert len(sending.published) == sent


def test_a_lane_message_of_a_paused_batch_holds_its_notice_unclaimed(console, clock, monkeypatch) -> None:
    """The sender reads the state before its claim: a paused batch's notice goes `held`, never claimed."""
    from chalicelib.aws.lanes import LaneMessage
    from chalicelib.domain.lanes import Lane
    from chalicelib.notify.sender import send_messages

    item = console.tables.notifications(
        "payment_received#PT-9",
        template="payment_received",
        params={"unit_code": "NA0001X", "amount_vnd": "1000", "paid_on": "2026-11-05"},
        recipient_kind="employer",
        recipient_ref="NA0001X",
        phone="+84912000001",
        status="created",
        created_at="2026-11-25T03:00:00Z",
        send_after="2026-11-25T03:00:00Z",
        batch=FILE,
    )
    item.save()
    pause_batch(console.tables, FILE, clock=clock)
    assert batch_state(console.tables, FILE) is BatchState.PAUSED
    console.tables.notifications("payment_received#PT-9").update(  # as a release by the 15-minute job
        actions=[console.tables.notifications.status.set("created")]
    )

    class NoSms:
        def send(self, phone: str, text: str) -> str:
            raise AssertionError("a paused batch sent an SMS")

    monkeypatch.setattr(console, "sms", NoSms())
    assert send_messages(console, Lane.BULK, [("m-1", LaneMessage("payment_received#PT-9", FILE))]) == []
    again = console.tables.notifications.get("payment_received#PT-9")
    assert (again.status, again.reason, again.attempts) == ("held", "batch paused", 0)


def test_batch_control_is_for_uploaders_of_the_province_and_taken_files_only(api, id_token, pump, upload) -> None:
    upload("payments", "national.csv", "payment_id,unit_code,paid_on,amount_vnd\nPT-1,NA0001X,2026-11-05,1000\n")
    pump.run_until_idle()
    # a file from the agency's own systems is national: a provincial uploader cannot touch it, and is
    # told so as for a file that is not there (no answer tells what exists elsewhere)
    assert api.post("/v1/agency/files/payments/national/pause", token=id_token("uploader.na")).status == 404
    assert api.post("/v1/agency/files/payments/national/pause", token=id_token("viewer.na")).status == 403
    assert api.post("/v1/agency/files/payments/nothing/stop", token=id_token("uploader.na")).status == 404
