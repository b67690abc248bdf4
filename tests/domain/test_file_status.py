"""A file's shown status and its buttons: each state told apart."""

from __future__ import annotations

from chalicelib.domain.file_status import FileStatus, Seen, actions, shown


def test_each_stored_state_and_batch_state_is_shown_apart() -> None:
    assert shown(Seen("staged")) is FileStatus.CHECKING
    assert shown(Seen("staged", check="done")) is FileStatus.STAGED
    assert shown(Seen("staged", check="rejected")) is FileStatus.REJECTED
    assert shown(Seen("rejected")) is FileStatus.REJECTED
    assert shown(Seen("cancelled")) is FileStatus.CANCELLED
    assert shown(Seen("running", batch_state="active")) is FileStatus.RUNNING
    assert shown(Seen("done", batch_state="active", unsent=3)) is FileStatus.RUNNING
    assert shown(Seen("done", batch_state="active")) is FileStatus.DONE
    assert shown(Seen("done", batch_state="paused", unsent=3)) is FileStatus.PAUSED
    assert shown(Seen("done", batch_state="stopped")) is FileStatus.STOPPED


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
