"""The console page: one static HTML file (its CSS and JS inline), served as it is but for the
statuses' names (domain/status.py) and the catalogue of the other codes' names (domain/messages.py:
row reasons, errors, templates, kinds, audit actions), filled in; no build step."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from chalicelib.domain.messages import for_page
from chalicelib.domain.status import STATUS_NAMES

STATIC = Path(__file__).resolve().parent / "static"
PLACEHOLDER = "/*STATUS_NAMES*/{}"
NAMES_PLACEHOLDER = "/*NAMES*/{}"


@cache
def console_html() -> str:
    page = (STATIC / "console.html").read_text(encoding="utf-8")
    page = page.replace(PLACEHOLDER, json.dumps(STATUS_NAMES, ensure_ascii=False), 1)
    return page.replace(NAMES_PLACEHOLDER, json.dumps(for_page(), ensure_ascii=False), 1)
