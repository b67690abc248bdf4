"""The console page: one static HTML file (its CSS and JS inline), served as it is but for the
statuses' names, filled in from domain/status.py; no build step."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from chalicelib.domain.status import STATUS_NAMES

STATIC = Path(__file__).resolve().parent / "static"
PLACEHOLDER = "/*STATUS_NAMES*/{}"


@cache
def console_html() -> str:
    page = (STATIC / "console.html").read_text(encoding="utf-8")
    return page.replace(PLACEHOLDER, json.dumps(STATUS_NAMES, ensure_ascii=False), 1)
