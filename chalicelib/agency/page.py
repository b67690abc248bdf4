"""The console page: one static HTML file (its CSS and JS inline), served as it is; no build step."""

from __future__ import annotations

from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


@cache
def console_html() -> str:
    return (STATIC / "console.html").read_text(encoding="utf-8")
