"""Vietnamese mobile numbers, normalised to E.164; landlines and pre-2018 numbers are refused."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from chalicelib.domain.errors import InvalidValue

_SEPARATORS = re.compile(r"[\s.\-()]")
_OLD_ELEVEN_DIGIT = re.compile(r"^(?:\+?84|0)1\d{9}$")


def normalize_mobile(raw: str) -> str:
    """`0912 345 678`, `84912345678` or `+84 912 345 678` → `+84912345678`, else InvalidValue."""
    compact = _SEPARATORS.sub("", raw or "")
    if not compact:
        raise InvalidValue("empty phone number")
    if _OLD_ELEVEN_DIGIT.match(compact):
        raise InvalidValue(f"old 11-digit number, renumbered in 2018: {mask_phone(compact)}")
    if compact.startswith("84") and len(compact) == 11:
        compact = "+" + compact
    try:
        number = phonenumbers.parse(compact, "VN")
    except phonenumbers.NumberParseException:
        raise InvalidValue("not a phone number") from None
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise InvalidValue("not a Vietnamese mobile number")
    if phonenumbers.number_type(number) not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidValue("not a mobile number (landlines cannot receive SMS)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """Keep the last three digits only: enough for a person to recognise, too little to identify."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 3:
        return "***"
    return "*" * (len(digits) - 3) + digits[-3:]
