"""The short code's answers, composed from plain facts: Vietnamese without diacritics, GSM-7 only,
and never longer than three segments whatever the stored values hold."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from chalicelib.domain.dates import sms_date, sms_month
from chalicelib.domain.text import count_segments, is_gsm7, strip_diacritics

MAX_SEGMENTS = 3
SHORT_CODE = "8079"
_LOOKALIKES = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "})

HELP = (
    "Tra cuu BHXH, soan tin gui 8079: BH QT <ma so BHXH> (thoi gian tham gia), "
    "BH QT <ma so BHXH> MMYYYY MMYYYY hoac YYYY YYYY (trong khoang), BH THE <ma the BHYT>, "
    "BH HS <so ho so>, BH HUY (ngung nhan thong bao), BH DK (nhan lai)."
)
TOO_MANY = "Ban da gui qua 10 tin tra cuu trong 1 gio. Vui long gui lai sau."
OPTED_OUT = "Da ngung gui thong bao BHXH den so nay. Soan BH DK gui 8079 de nhan lai."
OPTED_IN = "Da dang ky nhan lai thong bao BHXH tai so nay. Soan BH HUY gui 8079 de ngung."
_STATUS = {
    "received": "da tiep nhan",
    "processing": "dang xu ly",
    "completed": "da xu ly xong, vui long den nhan ket qua",
    "returned": "bi tra lai",
}


def gsm7(text: str) -> str:
    """Diacritics stripped, look-alike punctuation replaced, anything else outside GSM-7 dropped."""
    bare = strip_diacritics(str(text)).translate(_LOOKALIKES)
    return "".join(ch for ch in bare if is_gsm7(ch) and ch not in "\r\n\x1b\f")


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def fit(text: str) -> str:
    """The reply as sent: GSM-7 and at most three segments (cut with `...` if it were ever longer)."""
    out = gsm7(text)
    while count_segments(out).count > MAX_SEGMENTS:
        out = out[: MAX_SEGMENTS * 153 - 3].rstrip() + "..."
    return out


def years_months(months: int) -> str:
    """`115` → `9 nam 7 thang`."""
    return f"{months // 12} nam {months % 12} thang"


def time_reply(ss_code: str, si_months: int, ui_months: int, start: str | None, end: str | None) -> str:
    span = f" tu {sms_month(start)} den {sms_month(end)}" if start and end else ""
    return fit(
        f"Ma so BHXH {ss_code}{span}: thoi gian tham gia BHXH {years_months(si_months)}; "
        f"BHTN {years_months(ui_months)}."
    )


def not_registered(ss_code: str) -> str:
    """The one answer for an unknown code and for a code registered to another phone."""
    return fit(
        f"So dien thoai nay chua dang ky nhan thong tin cua ma so BHXH {ss_code}. "
        "De dang ky, ke khai so dien thoai tren to khai TK1-TS tai don vi hoac co quan BHXH."
    )


def card_reply(card_no: str, facts: Mapping[str, Any], today: date) -> str:
    valid_from, valid_to = str(facts.get("valid_from", "")), str(facts.get("valid_to", ""))
    state = "da het han" if valid_to and valid_to < today.isoformat() else "con gia tri"
    facility = shorten(gsm7(str(facts.get("facility") or "")), 150)
    place = f", noi DKKCB ban dau {facility}" if facility else ""
    return fit(f"The BHYT {card_no}{place}, gia tri su dung tu {_date(valid_from)} den {_date(valid_to)} ({state}).")


def card_unknown(card_no: str) -> str:
    return fit(f"Khong tim thay the BHYT {card_no}. Vui long kiem tra lai ma the.")


def dossier_reply(dossier_no: str, facts: Mapping[str, Any], *, with_note: bool = False) -> str:
    """The dossier's state and its date; a returned dossier's free-text note only `with_note`, which
    the caller grants to the dossier's own submitter (a note may name people, addresses, papers)."""
    status = str(facts.get("status", ""))
    text = f"Ho so {dossier_no}: {_STATUS.get(status, 'dang xu ly')}"
    if status in ("received", "processing"):
        if facts.get("received_on"):
            joiner = " ngay" if status == "received" else ", tiep nhan ngay"
            text += f"{joiner} {_date(facts['received_on'])}"
        if facts.get("appointment_on"):
            text += f", hen tra ket qua ngay {_date(facts['appointment_on'])}"
    elif status == "completed" and facts.get("completed_on"):
        text += f" (ngay {_date(facts['completed_on'])})"
    elif status == "returned":
        if facts.get("completed_on"):
            text += f" ngay {_date(facts['completed_on'])}"
        note = shorten(gsm7(str(facts.get("note") or "")), 200) if with_note else ""
        if note:
            text += f", ly do: {note}"
    return fit(text + ".")


def dossier_unknown(dossier_no: str) -> str:
    return fit(f"Khong tim thay ho so {dossier_no}. Vui long kiem tra lai so ho so.")


def _date(iso: object) -> str:
    try:
        return sms_date(str(iso))
    except ValueError:
        return "?"
