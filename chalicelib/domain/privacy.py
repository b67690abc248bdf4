"""Masks for anything that could identify a person, applied to every log line as a last guard:
the code logs ids as keys and never personal data, and this catches what slips through."""

from __future__ import annotations

import hashlib
import re

# Order matters: a card number embeds an ss_code; an E.164 phone contains 9+ digits.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[A-Za-z]{2}[1-5]\d{2}(\d{10})\b"), "<card>"),  # card_no
    (re.compile(r"(?<!\d)\+?84\d{9}(?!\d)"), "<phone>"),  # E.164 or 84… phone
    (re.compile(r"(?<!\d)0\d{9}(?!\d)"), "<phone-or-code>"),  # 0912345678 (or an ss_code starting 0)
    (re.compile(r"(?<!\d)\d{12}(?!\d)"), "<id>"),  # CCCD: 12 digits
    (re.compile(r"(?<!\d)\d{10}(?!\d)"), "<ss_code>"),  # mã số BHXH: 10 digits
)


def mask_personal(text: str) -> str:
    """Replace card numbers, phones, ID numbers and social-insurance codes with placeholders."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def contains_personal(text: str) -> bool:
    return mask_personal(text) != text


def notice_ref(notice_id: str) -> str:
    """How logs name a notice: its template and a digest of its id, which may hold an ss_code,
    a card number or a phone (`voluntary_due#0110129425#2026-12` → `voluntary_due#5c1f…`)."""
    template = notice_id.split("#", 1)[0]
    return f"{template}#{hashlib.sha256(notice_id.encode()).hexdigest()[:16]}"


def mask_code(code: str) -> str:
    """An ss_code or a unit code to its last three characters (`0110129425` → `*******425`): what the
    console shows of a person it names and what the audit trail keeps of a search's subject."""
    text = (code or "").strip()
    if len(text) <= 3:
        return "***"
    return "*" * (len(text) - 3) + text[-3:]


_QUOTED = re.compile(r"'([^']*)'")
_DIGIT = re.compile(r"\d")


def mask_cell(text: str) -> str:
    """A cell of a rejected row as a `viewer` sees it (CONTRACT, "Sign-in"): the column is not known
    (the row is as it came), so by its look. Words (a name, an address, a note) to their initials
    (`Nguyễn Văn An` → `N. V. A.`); a value of six digits or more (a phone, an ss_code, an ID or
    card number, a date) with all but its last three digits starred (`0912345678` → `*******678`);
    short codes, flags and amounts under six digits as they are."""
    value = text.strip()
    if any(ch.isalpha() for ch in value) and (" " in value or not value.isascii()):
        return " ".join(word[0] + "." for word in value.split())
    digits = _DIGIT.findall(value)
    if len(digits) >= 6:
        keep = len(digits) - 3
        out = []
        for ch in value:
            if ch.isdigit() and keep > 0:
                out.append("*")
                keep -= 1
            else:
                out.append(ch)
        value = "".join(out)
    return mask_personal(value)


def mask_reason(reason: str) -> str:
    """A rejected row's reason with each value it quotes masked as `mask_cell` masks cells."""
    return mask_personal(_QUOTED.sub(lambda m: "'" + mask_cell(m.group(1)) + "'", reason))
