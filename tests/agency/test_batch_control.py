"""Pause, resume and stop a batch file's unsent notices from the console, midway through its sending:
the action writes the batch's state and answers; the lanes honour it as they claim; nothing already
sent is touched, nothing is sent twice; a move that changes nothing is a 409; a corrected re-upload
is a new batch.

The sender claims a lane message batch together (the bulk queue's BatchSize, 10: infra/wiring.yaml)
before it publishes them, so a click during the second SMS finds that batch's other notices
`sending`: they go; the file's other notices wait or are cancelled."""

from __future__ import annotations

import pytest

from chalicelib.store.batches import BatchMove, BatchState, batch_counts, batch_key, batch_state, move_batch
from tests.agency.test_uploaded_files import post_file

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


def _batch(console) -> str:
    return batch_key(FILE, console.tables.files.get(FILE).version)


def test_pausing_midway_holds_the_rest_and_resuming_sends_them_once(sending, api, pump, console, clock) -> None:
    paused = sending("pause")
    assert paused.status == 200, paused.body
    assert paused.body["state"] == "paused"
    assert (paused.body["before"]["state"], paused.body["after"]["state"]) == ("active", "paused")
    pump.run_until_idle()
    # clicked while the second SMS was being published: its lane batch was claimed, and goes
    assert len(sending.published) == BATCH
    batch = _batch(console)
    counts = batch_counts(console.tables, batch)
    assert counts == {"sent": BATCH, "held": REST}

    clock.advance(minutes=3)
    resumed = api.post("/v1/agency/files/payments/big/resume", token=sending.token)
    assert resumed.status == 200 and resumed.body["state"] == "active"
    assert resumed.body["before"] == {"state": "paused", "unsent": REST}
    clock.advance(minutes=15)  # the 15-minute job releases the held notices of a resumed batch
    pump.run_until_idle()
    assert sorted(sending.published) == sorted(f"+849120{n:05d}" for n in range(1, ROWS + 1))
    assert batch_counts(console.tables, batch) == {"sent": ROWS}
    audit = {(e.action, e.subject) for e in console.tables.audit.scan()}
    assert {("pause", FILE), ("resume", FILE)} <= audit


def test_stopping_midway_cancels_every_unsent_notice_for_good(sending, api, pump, console, clock) -> None:
    stopped = sending("stop")
    assert stopped.status == 200 and stopped.body["state"] == "stopped"
    pump.run_until_idle()
    sent = len(sending.published)
    assert sent == BATCH  # the batch being published when the click came had already been claimed
    assert batch_counts(console.tables, _batch(console)) == {"sent": BATCH, "cancelled": REST}
    [entry] = [e for e in console.tables.audit.scan() if e.action == "stop"]
    details = entry.details.as_dict()
    assert (details["before"]["state"], details["after"]["state"]) == ("active", "stopped")

    again = api.post("/v1/agency/files/payments/big/resume", token=sending.token)
    assert again.status == 409 and again.body["error"]["code"] == "conflict"
    assert "stopped" in again.body["error"]["message"]
    clock.advance(hours=1)  # the 15-minute job runs: nothing cancelled comes back
    pump.run_until_idle()
    assert len(sending.published) == sent


def test_an_action_that_changes_nothing_is_a_409_in_the_contracts_shape(sending, api, pump) -> None:
    assert sending("pause").status == 200
    token = sending.token
    twice = api.post("/v1/agency/files/payments/big/pause", token=token)
    assert twice.status == 409 and set(twice.body["error"]) == {"code", "message", "messages"}
    assert api.post("/v1/agency/files/payments/big/resume", token=token).status == 200
    assert api.post("/v1/agency/files/payments/big/resume", token=token).status == 409
    assert api.post("/v1/agency/files/payments/big/stop", token=token).status == 200
    assert api.post("/v1/agency/files/payments/big/stop", token=token).status == 409


def test_a_batch_with_nothing_left_to_send_cannot_be_paused_or_stopped(api, id_token, pump, upload) -> None:
    upload("employers", "units.csv", UNITS)
    pump.run_until_idle()
    token = id_token("uploader.na")
    answer = api.post("/v1/agency/uploads", {"kind": "payments", "name": "big", "mode": "send"}, token)
    assert int(post_file(answer.body, PAYMENTS).status_code) == 201
    pump.run_until_idle()  # every SMS sent
    for action in ("pause", "stop"):
        refused = api.post(f"/v1/agency/files/payments/big/{action}", token=token)
        assert refused.status == 409 and "nothing" in refused.body["error"]["message"]


def test_a_corrected_reupload_after_a_stop_is_a_new_batch_and_is_sent(sending, api, pump, console) -> None:
    assert sending("stop").status == 200
    pump.run_until_idle()
    stopped = _batch(console)
    corrected = "payment_id,unit_code,paid_on,amount_vnd\n" + "".join(
        f"PT-9{n:03d},NA{n:04d}X,2026-11-06,{n}000000\n" for n in range(1, 4)
    )
    answer = api.post("/v1/agency/uploads", {"kind": "payments", "name": "big", "mode": "send"}, sending.token)
    assert int(post_file(answer.body, corrected).status_code) == 201
    pump.run_until_idle()
    batch = _batch(console)
    assert batch != stopped and batch_state(console.tables, batch) is BatchState.ACTIVE
    assert batch_counts(console.tables, batch) == {"sent": 3}
    assert batch_counts(console.tables, stopped) == {"sent": BATCH, "cancelled": REST}
    page = api.get("/v1/agency/files/payments/big", sending.token).body["batch"]
    assert (page["key"], page["state"], page["counts"]) == (batch, "active", {"sent": 3})


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
    move_batch(console.tables, FILE, BatchMove.PAUSE, clock=clock)
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


def test_a_pause_clicked_while_claimed_sms_wait_for_their_pace_holds_the_ones_not_yet_sent(
    console, clock, monkeypatch
) -> None:
    """The sender reads the state again before each SMS once its read is older than STATE_RECHECK_S:
    the SMS it had claimed before the click are not sent after it."""
    from chalicelib.aws.lanes import LaneMessage
    from chalicelib.domain.lanes import Lane
    from chalicelib.notify.sender import STATE_RECHECK_S, send_messages

    ids = [f"payment_received#PT-{n}" for n in range(3)]
    for n, notice in enumerate(ids):
        console.tables.notifications(
            notice,
            template="payment_received",
            params={"unit_code": "NA0001X", "amount_vnd": "1000", "paid_on": "2026-11-05"},
            recipient_kind="employer",
            recipient_ref="NA0001X",
            phone=f"+8491200000{n}",
            status="created",
            created_at="2026-11-25T03:00:00Z",
            send_after="2026-11-25T03:00:00Z",
            batch=FILE,
        ).save()
    now = [0.0]
    sent: list[str] = []

    class ClickedDuringTheFirst:
        def send(self, phone: str, text: str) -> str:
            sent.append(phone)
            if len(sent) == 1:  # the uploader clicks pause while the first SMS goes, the pace passes
                move_batch(console.tables, FILE, BatchMove.PAUSE, clock=clock)
                now[0] += STATE_RECHECK_S + 1
            return f"sns-{len(sent)}"

    monkeypatch.setattr(console, "sms", ClickedDuringTheFirst())
    monkeypatch.setattr(console, "monotonic", lambda: now[0])
    messages = [(f"m-{n}", LaneMessage(notice, FILE)) for n, notice in enumerate(ids)]
    assert send_messages(console, Lane.BULK, messages) == []
    after = [console.tables.notifications.get(notice) for notice in ids]
    assert sent == ["+84912000000"]
    assert [(i.status, i.reason, i.attempts) for i in after] == [
        ("sent", None, 1),
        ("held", "batch paused", 0),
        ("held", "batch paused", 0),
    ]
