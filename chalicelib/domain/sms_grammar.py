"""The short-code grammar (`BH QT`, `BH THE`, `BH HS`, `BH HUY`, `BH DK`) as a pure parser.

Any text gives a typed result: a query, or `Help`, or `Problem` naming what is wrong. It never
raises, whatever the carrier hands over: the endpoint must answer every body with a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.domain.text import strip_diacritics

# re.ASCII: `\d` alone matches every script's digits (`０`, `٠`, `५`), which int() reads too and a
# key lookup does not; the contract takes ASCII 0-9 only, so anything else is a Problem reply
_SS_CODE = re.compile(r"^\d{10}$", re.ASCII)
_CARD_NO = re.compile(r"^[A-Z]{2}[1-5]\d{2}\d{10}$", re.ASCII)
_DOSSIER_NO = re.compile(r"^[A-Z0-9._/\-]{1,32}$", re.ASCII)
_MONTH = re.compile(r"^(\d{2})(\d{4})$", re.ASCII)
_YEAR = re.compile(r"^\d{4}$", re.ASCII)
_SAFE_ECHO = re.compile(r"[^A-Z0-9._/\-]")
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True)
class QueryTime:
    """`BH QT`: months of SI and UI participation, all of them or `start`..`end` (`YYYY-MM`)."""

    ss_code: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class QueryCard:
    card_no: str


@dataclass(frozen=True)
class QueryDossier:
    dossier_no: str


@dataclass(frozen=True)
class OptOut:
    """`BH HUY`: stop notices to this phone."""


@dataclass(frozen=True)
class OptIn:
    """`BH DK`: notices again."""


@dataclass(frozen=True)
class Help:
    """Anything the grammar does not know: the reply lists the syntaxes."""


@dataclass(frozen=True)
class Problem:
    """A known command written wrong; `reason` is the reply's text (GSM-7, no diacritics)."""

    reason: str


Command = QueryTime | QueryCard | QueryDossier | OptOut | OptIn | Help | Problem


def normalize(body: object) -> list[str]:
    """The body's words: diacritics and case dropped, any run of spaces one separator."""
    if not isinstance(body, str):
        return []
    return strip_diacritics(body).upper().split()


def echo(token: str) -> str:
    """A user's word shown back in a reply: only safe characters, never long."""
    cleaned = _SAFE_ECHO.sub("", token)
    return cleaned[:20] + ("..." if len(cleaned) > 20 else "")


def parse(body: object) -> Command:
    words = normalize(body)
    if len(words) < 2 or words[0] != "BH":
        return Help()
    verb, args = words[1], words[2:]
    if verb == "QT":
        return _query_time(args)
    if verb == "THE":
        return _single(args, _CARD_NO, QueryCard, "ma the BHYT", "Ma the BHYT gom 15 ky tu, vd: BH THE HC4010110129425")
    if verb == "HS":
        return _single(
            args,
            _DOSSIER_NO,
            QueryDossier,
            "so ho so",
            "So ho so toi da 32 ky tu (chu, so, . _ / -), vd: BH HS 03706/2026/07906",
        )
    if verb == "HUY" and not args:
        return OptOut()
    if verb == "DK" and not args:
        return OptIn()
    return Help()


def _single(args: list[str], shape: re.Pattern[str], make: type, what: str, rule: str) -> Command:
    if not args:
        return Problem(f"Thieu {what}. {rule}")
    if len(args) > 1:
        return Problem(f"Chi gui mot {what}. {rule}")
    if not shape.match(args[0]):
        return Problem(f"{what[0].upper()}{what[1:]} khong hop le: {echo(args[0])}. {rule}")
    return make(args[0])


_QT_SYNTAX = "Cu phap: BH QT <ma so BHXH> [MMYYYY MMYYYY hoac YYYY YYYY]"


def _query_time(args: list[str]) -> Command:
    if not args:
        return Problem(f"Thieu ma so BHXH. {_QT_SYNTAX}")
    code, bounds = args[0], args[1:]
    if not _SS_CODE.match(code):
        return Problem(f"Ma so BHXH phai gom 10 chu so: {echo(code)}. {_QT_SYNTAX}")
    if not bounds:
        return QueryTime(code)
    if len(bounds) != 2:
        return Problem(f"Khoang thoi gian can dung 2 moc. {_QT_SYNTAX}")
    first, second = bounds
    if _YEAR.match(first) and _YEAR.match(second):
        for year in (first, second):
            if not FIRST_YEAR <= int(year) <= LAST_YEAR:
                return Problem(f"Nam khong hop le: {year}. {_QT_SYNTAX}")
        start, end = f"{first}-01", f"{second}-12"
    elif _MONTH.match(first) and _MONTH.match(second):
        months = []
        for token in (first, second):
            month, year = _MONTH.match(token).groups()  # type: ignore[union-attr]
            if not 1 <= int(month) <= 12 or not FIRST_YEAR <= int(year) <= LAST_YEAR:
                return Problem(f"Thang khong hop le: {token} (MMYYYY, thang 01-12). {_QT_SYNTAX}")
            months.append(f"{year}-{month}")
        start, end = months
    else:
        return Problem(f"Moc thoi gian phai cung dang MMYYYY hoac YYYY. {_QT_SYNTAX}")
    if start > end:
        return Problem(f"Khoang thoi gian bi dao nguoc: {first} sau {second}. {_QT_SYNTAX}")
    return QueryTime(code, start, end)
