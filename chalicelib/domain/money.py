"""Money is whole VND; written with dots between thousands, as Vietnamese readers expect."""

from __future__ import annotations

import re

from chalicelib.domain.errors import InvalidValue

_DIGITS = re.compile(r"^\d+$", re.ASCII)


def parse_vnd(raw: str) -> int:
    """Digits only, >= 0: `12,5`, `-3` or `1.000` are refused rather than guessed at."""
    text = (raw or "").strip()
    if not _DIGITS.match(text):
        raise InvalidValue(f"not a whole number: {text!r}")
    return int(text)


def format_vnd(amount: int) -> str:
    """12500000 → `12.500.000`."""
    return f"{amount:,}".replace(",", ".")
