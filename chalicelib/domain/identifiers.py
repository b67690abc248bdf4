"""VSS identifiers: checked by shape and compared upper-case."""

from __future__ import annotations

import re

from chalicelib.domain.errors import InvalidValue

_SS_CODE = re.compile(r"^\d{10}$", re.ASCII)
_CARD_NO = re.compile(r"^[A-Z]{2}[1-5]\d{2}(\d{10})$", re.ASCII)
_UNIT_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
_DOSSIER_NO = re.compile(r"^[A-Z0-9._/\-]{1,32}$")


def _shaped(raw: str, pattern: re.Pattern[str], problem: str) -> str:
    """`raw` stripped and upper-cased when it has the shape, else InvalidValue saying `problem`."""
    text = (raw or "").strip().upper()
    if not pattern.match(text):
        raise InvalidValue(problem)
    return text


def ss_code(raw: str) -> str:
    """Mã số BHXH: 10 digits."""
    return _shaped(raw, _SS_CODE, "ss_code must be 10 digits")


def card_no(raw: str) -> str:
    """Mã thẻ BHYT: 2 letters, benefit level 1-5, 2-digit province, then the ss_code."""
    return _shaped(raw, _CARD_NO, "card_no must be 2 letters, a level 1-5, 2 province digits and the 10-digit ss_code")


def card_ss_code(card: str) -> str:
    """The ss_code a well-formed card number embeds."""
    return card[-10:]


def unit_code(raw: str) -> str:
    """Mã đơn vị: 3-10 letters and digits."""
    return _shaped(raw, _UNIT_CODE, "unit_code must be 3-10 letters and digits")


def dossier_no(raw: str) -> str:
    """Số hồ sơ: up to 32 letters, digits, `.`, `_`, `/`, `-`."""
    return _shaped(raw, _DOSSIER_NO, "dossier_no must be up to 32 letters, digits, '.', '_', '/', '-'")
