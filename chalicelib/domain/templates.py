"""One template per notice, in Vietnamese without diacritics, each fitting one GSM-7 segment."""

from __future__ import annotations

from chalicelib.domain.dates import sms_date
from chalicelib.domain.money import format_vnd
from chalicelib.domain.text import strip_diacritics

TEMPLATES: dict[str, str] = {
    "payment_received": (
        "BHXH VN: Don vi {unit_code} da nop {amount} dong vao tai khoan thu BHXH ngay {paid_on}. Cam on don vi."
    ),
    "query_reply": "{text}",  # composed and fitted to three segments by domain/sms_replies.py
    "otp": "BHXH VN: Ma xac thuc tra cuu cua ban la {code}, hieu luc {minutes} phut. Khong cung cap ma nay cho ai.",
}


class UnknownTemplate(KeyError):
    """A notice kind with no template: a programming error, never a user's."""


def render(template: str, params: dict[str, str]) -> str:
    """The SMS text for a notice, values formatted per the contract and stripped of diacritics."""
    try:
        pattern = TEMPLATES[template]
    except KeyError:
        raise UnknownTemplate(template) from None
    return strip_diacritics(pattern.format(**_formatted(params)))


def _formatted(params: dict[str, str]) -> dict[str, str]:
    out = dict(params)
    if "amount_vnd" in out:
        out["amount"] = format_vnd(int(out["amount_vnd"]))
    if "paid_on" in out:
        out["paid_on"] = sms_date(out["paid_on"])
    return out
