"""Every notice status write is a conditional write in store/outbox.py that refuses a stored status
the moves table (domain/status.py) does not let it leave, against moto: nothing is overwritten."""

from __future__ import annotations

import pytest

from chalicelib.domain.status import NOTICE_MOVES, ForbiddenMove, Status
from chalicelib.store import outbox
from chalicelib.store.outbox import finish, move, move_answered, put_new

NOW = "2026-11-25T04:00:00Z"


def _forbidden_sources(target: Status) -> list[Status]:
    return [s for s in Status if s not in NOTICE_MOVES.sources(target)]


def test_a_move_is_refused_from_every_status_the_table_does_not_allow_and_changes_nothing(svc, make) -> None:
    tables = svc.tables
    for target in Status:
        for source in _forbidden_sources(target):
            notice = make.notice(f"payment_received#{source}-{target}", source, reason="as it was")
            if NOTICE_MOVES.sources(target):
                assert not move(tables, notice, target, sets=[tables.notifications.reason.set("moved")])
                assert move_answered(tables, notice, target) is None
            else:  # `unreachable` is only ever a new notice's status
                with pytest.raises(ValueError, match="from no status"):
                    move(tables, notice, target)
            stored = tables.notifications.get(notice)
            assert (stored.status, stored.reason) == (source, "as it was"), (source, target)


def test_a_move_is_made_from_each_allowed_status_with_its_other_attributes(svc, make) -> None:
    tables = svc.tables
    for target in Status:
        for source in NOTICE_MOVES.sources(target):
            notice = make.notice(f"payment_received#{source}-{target}", source)
            assert move(tables, notice, target, sets=[tables.notifications.updated_at.set(NOW)]), (source, target)
            stored = tables.notifications.get(notice)
            assert (stored.status, stored.updated_at) == (target, NOW)


def test_a_move_narrowed_to_what_the_caller_read_refuses_another_allowed_status(svc, make) -> None:
    notice = make.notice("payment_received#PT-1", Status.TEMPORARY_FAILURE)
    assert not move(svc.tables, notice, Status.CREATED, expected=[Status.HELD])
    assert svc.tables.notifications.get(notice).status == Status.TEMPORARY_FAILURE


def test_the_callers_own_condition_is_kept_beside_the_status(svc, make) -> None:
    model = svc.tables.notifications
    notice = make.notice("payment_received#PT-1", Status.SENT)
    assert not move(svc.tables, notice, Status.TEMPORARY_FAILURE, when=model.updated_at == "another time")
    assert model.get(notice).status == Status.SENT


def test_asking_for_a_forbidden_move_raises_before_any_write(svc, make) -> None:
    notice = make.notice("payment_received#PT-1", Status.DELIVERED)
    with pytest.raises(ForbiddenMove):
        move(svc.tables, notice, Status.CREATED, expected=[Status.DELIVERED])
    assert svc.tables.notifications.get(notice).status == Status.DELIVERED


def test_a_status_is_set_by_its_move_never_as_one_of_its_actions(svc, make) -> None:
    model = svc.tables.notifications
    notice = make.notice("payment_received#PT-1", Status.HELD)
    with pytest.raises(ValueError, match="set by its move"):
        move(svc.tables, notice, Status.CREATED, sets=[model.status.set(Status.SENT)])
    assert model.get(notice).status == Status.HELD


def test_the_answered_move_returns_the_item_as_stored(svc, make) -> None:
    notice = make.notice("payment_received#PT-1", Status.CREATED)
    item = move_answered(svc.tables, notice, Status.SENDING, sets=[svc.tables.notifications.attempts.add(1)])
    assert item is not None and (item.status, item.attempts, item.template) == (Status.SENDING, 1, "payment_received")


def test_the_senders_outcome_is_written_only_while_its_claim_holds_the_notice(svc, make) -> None:
    model = svc.tables.notifications
    for source in [s for s in Status if s != Status.SENDING]:
        notice = make.notice(f"payment_received#{source}", source, claim_id="mine")
        item = model.get(notice)
        item.provider_id = "sns-1"
        assert not finish(item, Status.SENT), source
        stored = model.get(notice)
        assert (stored.status, stored.provider_id) == (source, None)
    notice = make.notice("payment_received#other-claim", Status.SENDING, claim_id="another")
    item = model.get(notice)
    item.claim_id = "mine"
    assert not finish(item, Status.SENT)
    assert model.get(notice).status == Status.SENDING
    notice = make.notice("payment_received#mine", Status.SENDING, claim_id="mine")
    assert finish(model.get(notice), Status.SENT)
    assert model.get(notice).status == Status.SENT


def test_an_outcome_put_again_after_its_answer_was_lost_is_known_as_written_and_anothers_move_is_not(svc, make) -> None:
    model = svc.tables.notifications
    for target, provider_id, reason in ((Status.SENT, "sns-1", None), (Status.HELD, None, "paused")):
        notice = make.notice(f"payment_received#{target}", Status.SENDING, claim_id="mine")
        first, again = model.get(notice), model.get(notice)  # one put, and botocore's retry of it
        for item in (first, again):
            item.provider_id, item.reason, item.updated_at = provider_id, reason, "2026-11-25T03:00:01Z"
        assert finish(first, target) and finish(again, target), target
    notice = make.notice("payment_received#taken-over", Status.SENDING, claim_id="mine")
    item = model.get(notice)
    move(svc.tables, notice, Status.TECHNICAL_FAILURE, sets=[model.reason.set("the job's")])
    item.provider_id = "sns-2"
    assert not finish(item, Status.SENT)  # the job's move stands, and is not taken for the sender's
    assert model.get(notice).status == Status.TECHNICAL_FAILURE


def test_the_senders_outcome_may_not_be_a_status_a_claim_never_ends_in(svc, make) -> None:
    item = svc.tables.notifications.get(make.notice("payment_received#PT-1", Status.SENDING, claim_id="mine"))
    for target in (Status.DELIVERED, Status.SENDING, Status.UNREACHABLE):
        with pytest.raises(ForbiddenMove):
            finish(item, target)
    assert svc.tables.notifications.get(item.id).status == Status.SENDING


def test_a_new_notice_is_put_once_and_only_in_a_first_status(svc, make) -> None:
    model = svc.tables.notifications
    first = model("payment_received#PT-1", template="payment_received", status=Status.CREATED, created_at=NOW)
    assert put_new(svc.tables, first)
    again = model("payment_received#PT-1", template="payment_received", status=Status.HELD, created_at=NOW)
    assert not put_new(svc.tables, again)
    assert model.get("payment_received#PT-1").status == Status.CREATED
    sent = model("payment_received#PT-2", template="payment_received", status=Status.SENT, created_at=NOW)
    with pytest.raises(ForbiddenMove):
        put_new(svc.tables, sent)


def test_a_paused_or_stopped_batch_moves_no_notice_from_a_status_it_may_not_leave(svc, make) -> None:
    model = svc.tables.notifications
    for source in Status:
        notice = make.notice(f"payment_received#{source}", source)
        if source != Status.CREATED:
            assert not outbox.hold(svc.tables, notice, NOW)
        if source not in (Status.CREATED, Status.HELD):
            assert not outbox.cancel(svc.tables, notice, NOW)
            assert model.get(notice).status == source
