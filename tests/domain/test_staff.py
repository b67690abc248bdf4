"""Who may do what in the console, and which province's files they see: from the token's claims alone."""

from __future__ import annotations

import pytest

from chalicelib.domain.staff import AUDITED, Action, NotStaff, Role, Staff


def staff(groups: list[str], province: str = "40") -> Staff:
    return Staff.from_claims({"cognito:username": "x.na", "cognito:groups": groups, "custom:province_code": province})


def test_uploaders_change_files_support_looks_people_up_and_everyone_may_do_what_viewers_do() -> None:
    changes = {Action.UPLOAD, Action.RELEASE, Action.CANCEL, Action.PAUSE, Action.RESUME, Action.STOP}
    hotline = {Action.SEARCH_NOTICES, Action.RESEND, Action.LIST_CASES, Action.CLOSE_CASE}
    second_person = {Action.APPROVE}  # a big file's release: a second uploader or a support member
    for action in Action:
        assert staff(["uploader"]).may(action) == (action not in hotline)
        assert staff(["viewer"]).may(action) == (action not in changes | hotline | second_person)
        assert staff(["support"]).may(action) == (action not in changes)
    assert staff(["viewer"]).may(Action.FIGURES) and staff(["viewer"]).may(Action.AUDIT_TRAIL)


def test_a_province_sees_its_own_files_national_staff_see_all_and_no_one_else_national_files() -> None:
    assert staff(["viewer"], "40").sees("40")
    assert not staff(["viewer"], "40").sees("01")
    assert not staff(["viewer"], "40").sees(None)  # the agency's own systems: national
    assert staff(["viewer"], "00").sees("01") and staff(["viewer"], "00").sees(None)


def test_unknown_groups_are_ignored_and_no_console_role_is_not_staff() -> None:
    assert staff(["viewer", "admins"]).roles == {Role.VIEWER}
    with pytest.raises(NotStaff, match="no console role"):
        staff(["admins"])
    with pytest.raises(NotStaff, match="no console role"):
        Staff.from_claims({"cognito:username": "x", "custom:province_code": "40"})


@pytest.mark.parametrize(
    "claims",
    [
        {"cognito:groups": ["viewer"], "custom:province_code": "40"},
        {"cognito:username": "", "cognito:groups": ["viewer"], "custom:province_code": "40"},
        {"cognito:username": "a b", "cognito:groups": ["viewer"], "custom:province_code": "40"},
        {"cognito:username": "x", "cognito:groups": ["viewer"], "custom:province_code": "4"},
        {"cognito:username": "x", "cognito:groups": ["viewer"], "custom:province_code": "٤٠"},
        {"cognito:username": "x", "cognito:groups": "viewer", "custom:province_code": "40"},
    ],
)
def test_claims_that_name_no_staff_member_with_a_province_are_refused(claims: dict) -> None:
    with pytest.raises(NotStaff):
        Staff.from_claims(claims)


def test_every_action_that_changes_something_signing_out_and_every_read_of_a_person_is_audited() -> None:
    # signing in is audited by the first request of a sign-in, whichever route (tests/agency/test_sessions.py)
    assert Action.SIGN_IN not in AUDITED
    assert {
        Action.SIGN_OUT,
        Action.READ_REJECTED,  # a file's rejected rows name people
        Action.UPLOAD,
        Action.RELEASE,
        Action.APPROVE,
        Action.CANCEL,
        Action.PAUSE,
        Action.RESUME,
        Action.STOP,
        Action.SEARCH_NOTICES,  # looking a person up is an action
        Action.LIST_RECIPIENTS,  # a file's recipients: people, if masked
        Action.RESEND,
        Action.LIST_CASES,
        Action.CLOSE_CASE,
    } == AUDITED
