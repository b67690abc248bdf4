"""Resend is bounded (CONTRACT, "Resend"): only a notice failed for good whose SMS surely did not go,
within the notice's attempts, once a notice a day, at most 30 a support member an hour (429 with
Retry-After), each resend audited."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from chalicelib.domain.status import MAYBE_SENT, NO_RECEIPT, Status
from chalicelib.notify.release import STUCK_REASON

PERSON, PHONE = "4012345678", "+84912000111"


@pytest.fixture
def failed(console, make, clock):
    """A notice to a Nghệ An person in the given state, written as the sender leaves it."""
    make.person(PERSON, phone=PHONE, unit=None, province="40")

    def put(key: str, status: str, *, reason: str | None = "InvalidParameter", attempts: int = 1) -> str:
        console.tables.notifications(
            f"benefit_paid#{key}",
            template="benefit_paid",
            params={"benefit": "pension", "amount_vnd": "5000000", "paid_on": "2026-11-20"},
            recipient_kind="person",
            recipient_ref=PERSON,
            phone=PHONE,
            status=status,
            reason=reason,
            attempts=attempts,
            created_at="2026-11-25T02:00:00Z",
            updated_at="2026-11-25T02:00:01Z",
            send_after="2026-11-25T02:00:00Z",
        ).save()
        return f"benefit_paid#{key}"

    return put


def _resend(api, token: str, notice_id: str):
    return api.post(f"/v1/agency/notices/{quote(notice_id, safe='')}/resend", token=token)


@pytest.mark.parametrize(
    ("status", "reason", "attempts", "said"),
    [
        (Status.TEMPORARY_FAILURE, "Throttling", 1, "still being retried"),
        (Status.TEMPORARY_FAILURE, NO_RECEIPT, 1, "72 hours"),
        (Status.TECHNICAL_FAILURE, f"ReadTimeoutError: {MAYBE_SENT}, not retried", 1, "may have sent"),
        (Status.TECHNICAL_FAILURE, STUCK_REASON, 1, "may have sent"),
        (Status.PERMANENT_FAILURE, "InvalidParameter", 5, "tried 5 times"),
        (Status.SENDING, None, 1, "only a notice that failed for good"),
        (Status.SENT, None, 1, "only a notice that failed for good"),
        (Status.CREATED, None, 0, "only a notice that failed for good"),
    ],
)
def test_only_a_notice_failed_for_good_whose_sms_surely_did_not_go_is_sent_again(
    api, id_token, failed, console, status, reason, attempts, said
) -> None:
    notice_id = failed("B-1", status, reason=reason, attempts=attempts)
    answer = _resend(api, id_token("support.na"), notice_id)
    assert answer.status == 409 and said in answer.body["error"]["message"], answer.body
    assert console.tables.notifications.get(notice_id).status == status  # untouched
    listed = api.get(f"/v1/agency/notices?phone={PHONE}", id_token("support.na")).body["notices"]
    assert [n["can_resend"] for n in listed] == [False]


def test_a_notice_is_sent_again_once_a_day_at_most(api, id_token, failed, console, clock) -> None:
    token = id_token("support.na")
    notice_id = failed("B-1", Status.PERMANENT_FAILURE)
    assert _resend(api, token, notice_id).status == 200
    failed("B-1", Status.PERMANENT_FAILURE, attempts=2)  # it failed again, as the sender leaves it
    clock.advance(hours=23)
    again = _resend(api, token, notice_id)
    assert again.status == 429 and int(again.headers["retry-after"]) == 3600
    assert "24 hours" in again.body["error"]["message"]
    clock.advance(hours=1, seconds=1)
    assert _resend(api, token, notice_id).status == 200
    outcomes = [e.outcome for e in console.tables.audit.scan() if e.action == "resend"]
    assert sorted(outcomes) == ["ok", "ok", "refused"]  # each resend audited, the refusal too


def test_a_support_member_resends_at_most_30_an_hour(api, id_token, failed, console, clock) -> None:
    ids = [failed(f"B-{n}", Status.TECHNICAL_FAILURE, reason="gave up after 5 attempts") for n in range(31)]
    token = id_token("support.na")
    clock.set(clock().replace(minute=0, second=0))
    assert [_resend(api, token, n).status for n in ids[:30]] == [200] * 30
    clock.advance(minutes=20)
    refused = _resend(api, token, ids[30])
    assert refused.status == 429 and int(refused.headers["retry-after"]) == 40 * 60
    assert console.tables.notifications.get(ids[30]).status == Status.TECHNICAL_FAILURE
    outcomes = [e.outcome for e in console.tables.audit.scan() if e.action == "resend"]
    assert (outcomes.count("ok"), outcomes.count("refused")) == (30, 1)  # each resend audited, the refusal too
    clock.advance(minutes=40)
    assert _resend(api, token, ids[30]).status == 200  # the next hour
