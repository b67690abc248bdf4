"""What a signed-in person may flag, and the case it opens for the agency (CONTRACT: `POST /v1/me/flags`,
the console's cases, the `case_closed` SMS). Pure: the API reads the facts, this shapes them.

A flag is about one fact the person was shown: a month of contributions shown `owed` that their
employer withheld from their pay (`unpaid_month`), or a settled health-care visit they never made
(`unknown_visit`). One flag per fact: the case's id is a keyed hash of the person and the fact, so a
second flag of the same fact finds the case already there. The case carries only what the person
saw of that fact (the month's rows, the visit as `GET /v1/me/claims` lists it), nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.dates import parse_month
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.notices import Notice, Recipient

_CLAIM_ID = re.compile(r"^[A-Z0-9._/\-]{1,64}$", re.ASCII)  # as ingest takes a claim_id (values.business_id)
MAX_OUTCOME_CHARS = 500
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


class FlagKind(StrEnum):
    UNPAID_MONTH = "unpaid_month"
    UNKNOWN_VISIT = "unknown_visit"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class BadFlag(InvalidValue):
    """A flag the contract does not accept; `field` is the body's field to correct."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    subject: str  # the month (`YYYY-MM`) or the claim_id

    def fact_key(self, ss_code: str) -> str:
        """The fact flagged, for one person: what makes it one flag per fact."""
        return f"flag#{self.kind.value}#{ss_code}#{self.subject}"


def read_flag(body: Mapping[str, Any]) -> Flag:
    """`{"kind": "unpaid_month", "period"}` or `{"kind": "unknown_visit", "claim_id"}`, else BadFlag."""
    kind = body.get("kind")
    if kind == FlagKind.UNPAID_MONTH:
        period = body.get("period")
        if not isinstance(period, str) or len(period) > 10:
            raise BadFlag("period", "required: the month, YYYY-MM")
        try:
            return Flag(FlagKind.UNPAID_MONTH, parse_month(period))
        except InvalidValue as exc:
            raise BadFlag("period", str(exc)) from None
    if kind == FlagKind.UNKNOWN_VISIT:
        claim = body.get("claim_id")
        text = claim.strip().upper() if isinstance(claim, str) else ""
        if not _CLAIM_ID.match(text):
            raise BadFlag("claim_id", "required: the visit's claim_id, up to 64 letters, digits, '.', '_', '/', '-'")
        return Flag(FlagKind.UNKNOWN_VISIT, text)
    raise BadFlag("kind", "`unpaid_month` or `unknown_visit`")


def case_id(fact_key: str, key: bytes) -> str:
    """The case's id: `case-` and 24 letters of a keyed hash of the fact. The fact holds an ss_code;
    the id, in URLs, logs and the audit trail, does not let it be read back (nor looks like one)."""
    digest = hmac.new(key, fact_key.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
    return f"case-{digest.translate(_LETTERS)}"


def is_case_id(value: str) -> bool:
    return bool(re.fullmatch(r"case-[a-p]{24}", value or "", re.ASCII))


def read_outcome(raw: object) -> str:
    """What staff write when closing a case: 1–500 characters, no control characters (line breaks
    are kept), trimmed. InvalidValue otherwise."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidValue("required: what was found and done")
    text = raw.strip()
    if len(text) > MAX_OUTCOME_CHARS:
        raise InvalidValue(f"at most {MAX_OUTCOME_CHARS} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t" for c in text):
        raise InvalidValue("control or formatting characters are not accepted")
    return text


def closed_notice(case_id_: str, ss_code: str, flag: Flag, facts: Mapping[str, Any]) -> Notice:
    """The one SMS a closed case sends the person who flagged it: the fact named, that it was handled."""
    if flag.kind is FlagKind.UNPAID_MONTH:
        params = {"flag": flag.kind.value, "month": flag.subject}
    else:
        params = {"flag": flag.kind.value, "visit_on": str(facts.get("visit_on") or "")}
    return Notice("case_closed", f"case_closed#{case_id_}", Recipient("person", ss_code), params=params)
