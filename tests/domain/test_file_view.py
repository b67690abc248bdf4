"""A file's contract status, its shown status and its buttons: each state told apart."""

from __future__ import annotations

from chalicelib.domain.file_view import ACTION_NAMES, LISTED, Seen, ShownStatus, actions, listed, shown


def test_each_stored_state_and_batch_state_is_shown_apart() -> None:
    assert shown(Seen("staged")) is ShownStatus.CHECKING
    assert shown(Seen("staged", check="done")) is ShownStatus.STAGED
    assert shown(Seen("staged", check="rejected")) is ShownStatus.REJECTED
    assert shown(Seen("rejected")) is ShownStatus.REJECTED
    assert shown(Seen("cancelled")) is ShownStatus.CANCELLED
    assert shown(Seen("running", batch_state="active")) is ShownStatus.RUNNING
    assert shown(Seen("done", batch_state="active", unsent=3)) is ShownStatus.RUNNING
    assert shown(Seen("done", batch_state="active")) is ShownStatus.DONE
    assert shown(Seen("done", batch_state="paused", unsent=3)) is ShownStatus.PAUSED
    assert shown(Seen("done", batch_state="stopped")) is ShownStatus.STOPPED


def test_pause_and_stop_only_while_something_is_left_to_send() -> None:
    assert actions(Seen("done", batch_state="active"))["pause"] is False
    assert actions(Seen("done", batch_state="active", unsent=2))["pause"] is True
    paused = actions(Seen("done", batch_state="paused", unsent=2))
    assert paused["resume"] and paused["stop"] and not paused["pause"]
    assert not any(actions(Seen("done", batch_state="stopped", unsent=2)).values())
    assert not any(actions(Seen("done", batch_state="active", unsent=2), newest=False).values())


def test_release_approve_and_cancel_only_for_a_staged_file() -> None:
    assert actions(Seen("staged", check="done"))["release"] is True
    big = actions(Seen("staged", check="done"), needs_approval=True)
    assert big["approve"] and not big["release"] and big["cancel"]
    assert actions(Seen("staged", check="rejected")) == {
        "release": False,
        "approve": False,
        "cancel": True,
        "pause": False,
        "resume": False,
        "stop": False,
    }
    assert not any(actions(Seen("running", batch_state="active"))[a] for a in ("release", "approve", "cancel"))


def test_the_contract_status_stays_in_its_five_and_a_refused_check_is_rejected() -> None:
    assert listed(Seen("staged")) == listed(Seen("staged", check="done")) == "staged"
    assert listed(Seen("staged", check="rejected")) == "rejected"
    assert listed(Seen("done", batch_state="paused", unsent=3)) == "done"
    assert listed(Seen("running", batch_state="stopped")) == "running"
    assert listed(Seen("cancelled")) == "cancelled"


def test_every_shown_status_tells_more_than_the_contract_but_never_contradicts_it() -> None:
    seens = [
        Seen("staged"),
        Seen("staged", check="done"),
        Seen("staged", check="rejected"),
        Seen("rejected"),
        Seen("cancelled"),
        Seen("running", batch_state="active"),
        Seen("done", batch_state="active", unsent=1),
        Seen("done", batch_state="active"),
        Seen("done", batch_state="paused", unsent=1),
        Seen("done", batch_state="stopped"),
    ]
    assert {shown(s) for s in seens} == set(ShownStatus)
    assert {listed(s) for s in seens} == set(LISTED)
    assert all(tuple(actions(s)) == ACTION_NAMES for s in seens)
    for seen in seens:
        if listed(seen) in ("rejected", "cancelled"):
            assert shown(seen).value == listed(seen)
