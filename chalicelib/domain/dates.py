"""Dates and months as agencies write them, normalised to ISO; shown as `dd/mm/yyyy` in SMS."""

from __future__ import annotations

import re
from datetime import date

from chalicelib.domain.errors import InvalidValue

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_VN_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$", re.ASCII)


def parse_date(raw: str) -> date:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; an impossible day (31/02) is refused."""
    text = (raw or "").strip()
    if m := _ISO_DATE.match(text):
        y, mo, d = m.groups()
    elif m := _VN_DATE.match(text):
        d, mo, y = m.groups()
    else:
        raise InvalidValue(f"not a date (YYYY-MM-DD or DD/MM/YYYY): {text!r}")
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        raise InvalidValue(f"impossible date: {text!r}") from None


def parse_month(raw: str) -> str:
    """`YYYY-MM` or `MM/YYYY` → `YYYY-MM`; month 13 is refused."""
    text = (raw or "").strip()
    if m := _ISO_MONTH.match(text):
        y, mo = m.groups()
    elif m := _VN_MONTH.match(text):
        mo, y = m.groups()
    else:
        raise InvalidValue(f"not a month (YYYY-MM or MM/YYYY): {text!r}")
    if not 1 <= int(mo) <= 12 or int(y) < 1900:
        raise InvalidValue(f"impossible month: {text!r}")
    return f"{int(y):04d}-{int(mo):02d}"


def sms_date(iso: str) -> str:
    """`2026-11-05` → `05/11/2026`."""
    d = date.fromisoformat(iso)
    return d.strftime("%d/%m/%Y")


def sms_month(iso_month: str) -> str:
    """`2026-11` → `11/2026`."""
    y, m = iso_month.split("-")
    return f"{m}/{y}"
