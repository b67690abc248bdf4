"""How each value of a batch file is read: the contract's formats, normalised (ISO dates, E.164,
upper-case codes, int VND, NFC text). Each raises InvalidValue with the reason a report shows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from chalicelib.domain.dates import parse_date, parse_month
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.money import parse_vnd

MAX_VND = 10**15  # far above any real amount; DynamoDB numbers stop at 38 digits
FIRST_YEAR, LAST_YEAR = 1900, 2199  # outside this no row of the agency's is meant; refused as a typo

_BUSINESS_ID = re.compile(r"^[A-Z0-9._/\-]{1,64}$", re.ASCII)
_COUNT = re.compile(r"^\d{1,4}$", re.ASCII)
# thousands grouped by one separator throughout, as Excel writes amounts: 1.500.000 or 1,500,000
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$", re.ASCII)
_FLAGS = {"y": True, "yes": True, "1": True, "true": True, "n": False, "no": False, "0": False, "false": False}


# C0 and C1 controls and DEL, but a line break (a quoted one may stay in a name), and Unicode's
# Bidi_Control characters: the overrides, embeddings and isolates that make a name read otherwise
_HIDDEN = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text(raw: str, limit: int = 500) -> str:
    """Free text as given, NFC, surrounding spaces trimmed; control and bidi characters refused."""
    value = unicodedata.normalize("NFC", raw.strip())
    if len(value) > limit:
        raise InvalidValue(f"longer than {limit} characters")
    hidden = _HIDDEN.search(value)
    if hidden:
        what = "a bidi control" if hidden.group() > "\x9f" else "a control character"
        raise InvalidValue(f"{what} (U+{ord(hidden.group()):04X}) at position {hidden.start() + 1}")
    return value


def name(raw: str) -> str:
    """A person's or an employer's name, exactly as given (NFC; a quoted line break stays)."""
    return text(raw, 200)


def iso_date(raw: str) -> str:
    day = parse_date(raw)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidValue(f"date out of range ({FIRST_YEAR}-{LAST_YEAR}): {raw.strip()!r}")
    return day.isoformat()


def month(raw: str) -> str:
    value = parse_month(raw)
    if int(value[:4]) > LAST_YEAR:
        raise InvalidValue(f"month out of range ({FIRST_YEAR}-{LAST_YEAR}): {raw.strip()!r}")
    return value


def money(raw: str) -> int:
    """Whole VND: digits, or digits grouped by thousands with `.` or `,` (one of them throughout).
    `12,5` and `1.5` are not groups of three: refused, not guessed at."""
    value = raw.strip()
    grouped = _GROUPED.match(value)
    amount = parse_vnd(value.replace(grouped.group(1), "") if grouped else raw)
    if amount > MAX_VND:
        raise InvalidValue(f"amount too large (over {MAX_VND:,} VND)")
    return amount


def count(raw: str) -> int:
    """A small whole number (months)."""
    value = raw.strip()
    if not _COUNT.match(value):
        raise InvalidValue(f"not a whole number of months: {value!r}")
    return int(value)


def flag(raw: str) -> bool:
    """`Y`/`N`, `1`/`0`, `true`/`false`, any case."""
    try:
        return _FLAGS[raw.strip().lower()]
    except KeyError:
        raise InvalidValue(f"not a flag (Y/N, 1/0, true/false): {raw.strip()!r}") from None


def province(raw: str) -> str:
    value = raw.strip()
    if not (len(value) == 2 and value.isascii() and value.isdigit()):
        raise InvalidValue("province_code must be 2 digits")
    return value


def business_id(column: str) -> Callable[[str], str]:
    """An agency's id for a row (payment, declaration): up to 64 letters, digits, `.`, `_`, `/`, `-`."""

    def parse(raw: str) -> str:
        value = raw.strip().upper()
        if not _BUSINESS_ID.match(value):
            raise InvalidValue(f"{column} must be up to 64 letters, digits, '.', '_', '/', '-'")
        return value

    return parse


def one_of(column: str, allowed: Iterable[str], *, upper: bool = False) -> Callable[[str], str]:
    """A code from a closed list, compared case-insensitively."""
    choices = frozenset(allowed)
    shown = ", ".join(sorted(choices))

    def parse(raw: str) -> str:
        value = raw.strip().upper() if upper else raw.strip().lower()
        if value not in choices:
            raise InvalidValue(f"unknown {column}: {raw.strip()[:20]!r} (one of {shown})")
        return value

    return parse
