"""Agency staff: who may do what, and which province's files they see (CONTRACT, "Agency console").

Pure: the caller has already verified the ID token; this decides from its claims alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

NATIONAL = "00"  # `custom:province_code` of national staff, and the province of files from the agency's systems
_PROVINCE = re.compile(r"^\d{2}$", re.ASCII)
_USERNAME = re.compile(r"^[\w.@+-]{1,128}$", re.ASCII)


class Role(StrEnum):
    """The Cognito groups. Every role may also do what `viewer` does."""

    UPLOADER = "uploader"
    SUPPORT = "support"
    VIEWER = "viewer"


class Action(StrEnum):
    """What a console route does; each is allowed to some roles and each is audited (`audit` table)."""

    SIGN_IN = "sign_in"  # recorded once per sign-in by its first request, whichever route
    SIGN_OUT = "sign_out"
    LIST_FILES = "list_files"
    READ_FILE = "read_file"
    LIST_RECIPIENTS = "list_recipients"  # a file's notices: masked phones, but people all the same
    READ_REJECTED = "read_rejected"  # a file's rejected rows: its page (once an hour) or its errors CSV
    UPLOAD = "upload"
    RELEASE = "release"
    APPROVE = "approve"  # the second person's approval of a big file
    CANCEL = "cancel"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    SEARCH_NOTICES = "search_notices"  # one person's or employer's notices (the hotline)
    RESEND = "resend"  # a failed notice tried again
    LIST_CASES = "list_cases"  # what people flagged: facts about named (masked) people
    CLOSE_CASE = "close_case"
    FIGURES = "figures"
    AUDIT_TRAIL = "audit_trail"


_ANY = frozenset(Role)
_ROLE_NAMES = frozenset(role.value for role in Role)
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.SIGN_IN: _ANY,
    Action.SIGN_OUT: _ANY,
    Action.LIST_FILES: _ANY,
    Action.READ_FILE: _ANY,
    Action.LIST_RECIPIENTS: _ANY,
    Action.READ_REJECTED: _ANY,
    Action.UPLOAD: frozenset({Role.UPLOADER}),
    Action.RELEASE: frozenset({Role.UPLOADER}),
    Action.APPROVE: frozenset({Role.UPLOADER, Role.SUPPORT}),
    Action.CANCEL: frozenset({Role.UPLOADER}),
    Action.PAUSE: frozenset({Role.UPLOADER}),
    Action.RESUME: frozenset({Role.UPLOADER}),
    Action.STOP: frozenset({Role.UPLOADER}),
    Action.SEARCH_NOTICES: frozenset({Role.SUPPORT}),
    Action.RESEND: frozenset({Role.SUPPORT}),
    Action.LIST_CASES: frozenset({Role.SUPPORT}),
    Action.CLOSE_CASE: frozenset({Role.SUPPORT}),
    Action.FIGURES: _ANY,
    Action.AUDIT_TRAIL: _ANY,
}
# Reading files, figures and the trail is not audited one request at a time (a page polls its files
# every few seconds; none of them names a person); every action that changes something, signing in,
# and every read that names a person (a search, the cases) is: looking up a person is an action.
# The sign-in is not audited by its route: every route records it on a sign-in's first request.
AUDITED = frozenset(Action) - {Action.SIGN_IN, Action.LIST_FILES, Action.READ_FILE, Action.FIGURES, Action.AUDIT_TRAIL}


class NotStaff(ValueError):
    """The token's claims do not describe a staff member (no role, no province): 403."""


@dataclass(frozen=True)
class Staff:
    username: str
    roles: frozenset[Role]
    province_code: str  # two digits; NATIONAL sees every province

    @classmethod
    def from_claims(cls, claims: dict[str, object]) -> Staff:
        """From a verified ID token: `cognito:username`, `cognito:groups`, `custom:province_code`."""
        username = claims.get("cognito:username")
        province = claims.get("custom:province_code")
        groups = claims.get("cognito:groups") or []
        if not isinstance(username, str) or not _USERNAME.match(username):
            raise NotStaff("the token names no staff member")
        if not isinstance(province, str) or not _PROVINCE.match(province):
            raise NotStaff("the staff member has no province")
        if not isinstance(groups, list):
            raise NotStaff("the token's groups are not a list")
        roles = frozenset(Role(g) for g in groups if g in _ROLE_NAMES)
        if not roles:
            raise NotStaff("the staff member has no console role")
        return cls(username=username, roles=roles, province_code=province)

    def may(self, action: Action) -> bool:
        return bool(self.roles & ALLOWED[action])

    def sees(self, province_code: str | None) -> bool:
        """Files of their own province; national staff see all. A file with no province is national."""
        return self.province_code == NATIONAL or self.province_code == (province_code or NATIONAL)
