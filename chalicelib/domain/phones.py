"""Vietnamese mobile numbers, normalised to E.164; landlines and pre-2018 numbers are refused."""

from __future__ import annotations

import re

from chalicelib.domain.errors import InvalidValue

_SEPARATORS = re.compile(r"[\s.\-()]")
_OLD_ELEVEN_DIGIT = re.compile(r"^(?:\+?84|0)1\d{9}$")
_NATIONAL_NINE = re.compile(r"^(?:\+?84|0)([1-9]\d{8})$")  # the usual shapes: no parsing needed


def normalize_mobile(raw: str) -> str:
    """`0912 345 678`, `84912345678` or `+84 912 345 678` → `+84912345678`, else InvalidValue.
    phonenumbers is imported here, not with the module: masking a phone (the sender, the logs) must
    not load its metadata into every function's cold start (bench/coldstart.py)."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    compact = _SEPARATORS.sub("", raw or "")
    if not compact:
        raise InvalidValue("empty phone number")
    if _OLD_ELEVEN_DIGIT.match(compact):
        raise InvalidValue(f"old 11-digit number, renumbered in 2018: {mask_phone(compact)}")
    usual = _NATIONAL_NINE.match(compact)
    if usual:  # phonenumbers still decides validity; only its parsing (most of its cost) is skipped
        number = phonenumbers.PhoneNumber(country_code=84, national_number=int(usual.group(1)))
    else:
        try:
            number = phonenumbers.parse(compact, "VN")
        except phonenumbers.NumberParseException:
            raise InvalidValue("not a phone number") from None
    # number_type is UNKNOWN for a number that is not valid, so it answers both questions at once
    kind = phonenumbers.number_type(number) if number.country_code == 84 else PhoneNumberType.UNKNOWN
    if kind == PhoneNumberType.UNKNOWN:
        raise InvalidValue("not a Vietnamese mobile number")
    if kind not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidValue("not a mobile number (landlines cannot receive SMS)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """Keep the last three digits only: enough for a person to recognise, too little to identify."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 3:
        return "***"
    return "*" * (len(digits) - 3) + digits[-3:]
