"""One template per notice, in Vietnamese without diacritics, each fitting one GSM-7 segment."""

from __future__ import annotations

from chalicelib.domain.dates import sms_date, sms_month
from chalicelib.domain.flags import is_case_code
from chalicelib.domain.money import format_vnd
from chalicelib.domain.text import count_segments, shorten_words_to_fit, strip_diacritics, to_gsm7

TEMPLATES: dict[str, str] = {
    "payment_received": (
        "BHXH VN: Don vi {unit_code} da nop {amount} dong vao tai khoan thu BHXH ngay {paid_on}. Cam on don vi."
    ),
    "query_reply": "{text}",  # composed and fitted to three segments by domain/sms_replies.py
    "otp": "BHXH VN: Ma xac thuc tra cuu cua ban la {code}, hieu luc {minutes} phut. Khong cung cap ma nay cho ai.",
    "contribution_stopped": (
        "BHXH VN: Don vi {unit_code} da bao giam, dung dong BHXH, BHYT, BHTN cho ban tu thang {month}."
        " Thac mac xin lien he don vi."
    ),
    "contribution_paused": (
        "BHXH VN: Don vi {unit_code} bao tam dung dong BHXH cho ban tu thang {month} ({reason})."
        " Thac mac xin lien he don vi."
    ),
    "contribution_reduced": (
        "BHXH VN: Don vi {unit_code} bao giam muc luong dong BHXH cua ban xuong {salary} dong tu thang {month}."
    ),
    "dossier_received": "BHXH VN: Co quan BHXH da tiep nhan ho so {dossier_no}.{appointment} Tra cuu: BH HS gui 8079.",
    "dossier_completed": "BHXH VN: Ho so {dossier_no} da giai quyet xong. Moi ong/ba den nhan ket qua.",
    "dossier_returned": "BHXH VN: Ho so {dossier_no} bi tra lai. Ly do: {note}",
    "voluntary_due": (
        "BHXH VN: BHXH tu nguyen cua ban da dong den het thang {paid_to}."
        " Vui long dong tiep de khong bi gian doan qua trinh tham gia."
    ),
    "hi_card_expiring": (
        "BHXH VN: The BHYT {card_no} het han ngay {valid_to}. Vui long gia han de duoc huong BHYT lien tuc."
    ),
    "arrears": (
        "BHXH VN: Don vi {unit_code} con no {owed} dong BHXH, BHYT, BHTN den thang {month}."
        " De nghi nop ngay de tranh tien lai cham dong."
    ),
    "arrears_employee": (
        "BHXH VN: Don vi {unit_code} chua nop du BHXH, BHYT, BHTN cua ban tu thang {month}."
        " Tra cuu: BH QT <ma so BHXH> gui 8079."
    ),
    "benefit_paid": "BHXH VN: Ban da duoc chi tra {benefit_name} so tien {amount} dong ngay {paid_on}.",
    "hi_claim_settled": (
        "BHXH VN: Quy BHYT da tra {fund_paid} dong cho lan kham ngay {visit_on} tai {facility}."
        " Neu khong di kham, bao 1900 9068."
    ),
    "phone_changed": (
        "BHXH VN: Ngay {changed_on}, so dien thoai nhan tin BHXH cua ban da {change}."
        " Neu ban khong yeu cau, goi ngay 1900 9068."
    ),
    "yearly_statement": (
        "BHXH VN: Nam {year} ban da tham gia BHXH {si_months} thang, BHTN {ui_months} thang."
        " Tra cuu: BH QT <ma so BHXH> gui 8079."
    ),
    "case_closed": (
        "BHXH VN: Phan anh {code}cua ban ve {flagged} da duoc co quan BHXH xu ly xong. Chi tiet xin goi 1900 9068."
    ),
}

PAUSE_REASONS = {"KL": "nghi khong luong", "OF": "nghi om hoac khong luong", "TS": "nghi thai san"}
NO_NOTE = "xin lien he co quan BHXH"
BENEFIT_NAMES = {  # the benefits of the contract's `benefits` file, as the SMS names them
    "pension": "luong huu",
    "sickness": "tro cap om dau",
    "maternity": "tro cap thai san",
    "unemployment": "tro cap that nghiep",
    "one_off": "tro cap BHXH mot lan",
    "survivor": "tro cap tuat",
    "accident": "tro cap tai nan lao dong",
}


class UnknownTemplate(KeyError):
    """A notice kind with no template: a programming error, never a user's."""


def render(template: str, params: dict[str, str], *, unicode: bool = False) -> str:
    """The SMS text for a notice, values formatted per the contract. Without `unicode` (the
    default, as the contract sends) every diacritic is stripped and the text is GSM-7; a free
    text (`note`) is shortened, at a word, so that it never adds a segment."""
    try:
        pattern = TEMPLATES[template]
    except KeyError:
        raise UnknownTemplate(template) from None
    values = _formatted(params)
    if "{facility}" in pattern:
        return _with_facility(pattern, values, unicode)
    if "{note}" not in pattern:
        return _finish(pattern.format(**values), unicode)
    note = _finish(values.get("note") or NO_NOTE, unicode)
    if not unicode:
        note = to_gsm7(note)
    without = _finish(pattern.format(**{**values, "note": ""}), unicode)
    budget = max(count_segments(without, ucs2=unicode).count, 1)
    return without + shorten_words_to_fit(note, lambda candidate: count_segments(without + candidate).count <= budget)


def _with_facility(pattern: str, values: dict[str, str], unicode: bool) -> str:
    """A facility's name is shortened to the room one segment leaves, whole words only."""
    facility = _finish(values.get("facility") or "", unicode)
    if not unicode:
        facility = to_gsm7(facility)

    def fits(candidate: str) -> bool:
        return count_segments(_finish(pattern.format(**{**values, "facility": candidate}), unicode)).count <= 1

    shown = shorten_words_to_fit(facility, fits)
    if shown.endswith("."):  # `...` or a name ending in a full stop: not one more after it
        pattern = pattern.replace("{facility}.", "{facility}")
    return _finish(pattern.format(**{**values, "facility": shown}), unicode)


def _finish(text: str, unicode: bool) -> str:
    return text if unicode else strip_diacritics(text)


def _formatted(params: dict[str, str]) -> dict[str, str]:
    out = dict(params)
    if "amount_vnd" in out:
        out["amount"] = format_vnd(int(out["amount_vnd"]))
    if "paid_on" in out:
        out["paid_on"] = sms_date(out["paid_on"])
    for money in ("salary", "owed", "fund_paid"):
        if f"{money}_vnd" in out:
            out[money] = format_vnd(int(out[f"{money}_vnd"]))
    if "changed_on" in out:
        new_phone = out.get("new_phone")
        out["change"] = f"doi sang so {new_phone}" if new_phone else "bi go khoi ho so"
    for day in ("valid_to", "appointment_on", "visit_on", "changed_on"):
        if day in out:
            out[day] = sms_date(out[day])
    for month in ("month", "paid_to"):
        if month in out:
            out[month] = sms_month(out[month])
    out["appointment"] = f" Ngay hen tra ket qua: {out['appointment_on']}." if out.get("appointment_on") else ""
    if "plan" in out:
        out["reason"] = PAUSE_REASONS.get(out["plan"], "tam nghi")
    if "benefit" in out:
        out["benefit_name"] = BENEFIT_NAMES.get(out["benefit"], "tro cap BHXH")
    if "flag" in out:  # a closed case names what the person flagged (domain/flags.py)
        out["flagged"] = _flagged(out)
        code = out.get("case_code") or ""
        out["code"] = f"ma {code} " if is_case_code(code) else ""  # at most 19 characters: still one segment
    return out


def _flagged(values: dict[str, str]) -> str:
    """`thang 10/2026 chua duoc dong BHXH` or `lan kham BHYT ngay 05/11/2026`: fixed width for any input."""
    if values.get("flag") == "unpaid_month" and values.get("month"):
        return f"thang {values['month']} chua duoc dong BHXH"
    if values.get("flag") == "unknown_visit" and values.get("visit_on"):
        return f"lan kham BHYT ngay {values['visit_on']}"
    return "thong tin tren trang tra cuu"
