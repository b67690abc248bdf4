"""Pages of a long list in the console: `page=` (from 1) in, the page and the total said back, so
that the page can show "1–100 of 2,345" and go next or back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.web.errors import bad_input

PER_PAGE = 100
MAX_PAGE = 100_000


def read_page(query: Mapping[str, str]) -> int:
    """The page asked for: 1 when absent; a whole number from 1 to MAX_PAGE, else a 400."""
    raw = query.get("page")
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or not 1 <= int(raw) <= MAX_PAGE:
        raise bad_input("page", f"a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def said(total: int, page: int, per_page: int = PER_PAGE) -> dict[str, Any]:
    """What an answer says of its page: `total`, `page`, `pages` (at least 1), `per_page`, and the
    first and last position shown (`from`, `to`; 0 when the page is empty)."""
    pages = max(1, -(-total // per_page))
    first = (page - 1) * per_page
    shown = max(0, min(total, first + per_page) - first)
    return {
        "total": total,
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "from": first + 1 if shown else 0,
        "to": first + shown,
    }


def window(page: int, per_page: int = PER_PAGE) -> slice:
    """The positions of a page in the whole list."""
    return slice((page - 1) * per_page, page * per_page)
