"""SMS text: Vietnamese without diacritics, and segments counted the way carriers count them."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")
_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def strip_diacritics(text: str) -> str:
    """Every Vietnamese letter to its bare Latin base (`Nghệ An` → `Nghe An`, `đ` → `d`)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7_BASIC or ch in _GSM7_EXTENDED for ch in text)


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    count: int


def count_segments(text: str, *, ucs2: bool = False) -> Segments:
    """160 septets in one GSM-7 segment, 153 each when joined; UCS-2: 70, then 67. `ucs2` counts
    as UCS-2 even for GSM-7 text (a Unicode stage, whose values may bring in any letter)."""
    if is_gsm7(text) and not ucs2:
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        single, joined, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, joined, encoding = 70, 67, "UCS-2"
    if units <= single:
        return Segments(encoding, units, 1 if units else 0)
    return Segments(encoding, units, -(-units // joined))


def to_gsm7(text: str) -> str:
    """Free text made sendable as GSM-7: diacritics stripped, line breaks and tabs to spaces, any
    other character outside the GSM-7 alphabet to `?`, runs of spaces to one."""
    bare = strip_diacritics(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    kept = "".join(ch if is_gsm7(ch) else "?" for ch in bare)
    return " ".join(kept.split())


def shorten_to_fit(text: str, fits: Callable[[str], bool], ellipsis: str = "...") -> str:
    """The longest prefix of `text` that `fits` (ending in `ellipsis` when cut); "" when none does."""
    if fits(text):
        return text
    lo, hi = 0, len(text)  # fits(prefix + ellipsis) is monotone in the prefix's length
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid].rstrip() + ellipsis):
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ellipsis if lo else ""


def shorten_words_to_fit(text: str, fits: Callable[[str], bool], ellipsis: str = "...") -> str:
    """The most whole words of `text` that `fits` (ending in `ellipsis` when cut), so that no word
    is cut in half; only a first word too long for the room on its own is cut (`shorten_to_fit`)."""
    if fits(text):
        return text
    words = text.split()
    lo, hi = 0, len(words)  # fits(first n words + ellipsis) is monotone in n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(" ".join(words[:mid]) + ellipsis):
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return shorten_to_fit(words[0] if words else "", fits, ellipsis)
    return " ".join(words[:lo]) + ellipsis
