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
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.clock import ICT
from chalicelib.domain.dates import parse_month
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.notices import Notice, Recipient

_CLAIM_ID = re.compile(r"^[A-Z0-9._/\-]{1,64}$", re.ASCII)  # as ingest takes a claim_id (values.business_id)
_CASE_CODE = re.compile(r"^BHXH-\d{2}-\d{4}-\d{4,6}$", re.ASCII)
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


def case_code(province: str, at: datetime, seq: int) -> str:
    """The case's readable code, `BHXH-40-2612-0042`: the person's province, the year and month it was
    opened (Asia/Ho_Chi_Minh) and that province's month's sequence number (4 digits, more past 9999).
    What the person reads on the page and in the SMS, and says on the phone; the id stays the key."""
    return f"BHXH-{province}-{at.astimezone(ICT):%y%m}-{seq:04d}"


def case_code_month(province: str, at: datetime) -> str:
    """The sequence a code is numbered in: one per province and month (Asia/Ho_Chi_Minh)."""
    return f"{province}#{at.astimezone(ICT):%y%m}"


def read_case_code(raw: object) -> str:
    """A code as staff type it (case and surrounding spaces ignored), else InvalidValue."""
    text = raw.strip().upper() if isinstance(raw, str) else ""
    if not is_case_code(text):
        raise InvalidValue("a case code like BHXH-40-2612-0042")
    return text


def is_case_code(value: str) -> bool:
    return bool(_CASE_CODE.match(value or ""))


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


def closed_notice(case_id_: str, ss_code: str, flag: Flag, facts: Mapping[str, Any], code: str | None = None) -> Notice:
    """The one SMS a closed case sends the person who flagged it: the fact named, that it was handled,
    and the case's code when it has one (cases opened before codes have none)."""
    if flag.kind is FlagKind.UNPAID_MONTH:
        params = {"flag": flag.kind.value, "month": flag.subject}
    else:
        params = {"flag": flag.kind.value, "visit_on": str(facts.get("visit_on") or "")}
    if code:
        params["case_code"] = code
    return Notice("case_closed", f"case_closed#{case_id_}", Recipient("person", ss_code), params=params)
