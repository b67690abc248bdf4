"""The security headers of the two pages (`GET /` and `GET /console/`).

Each page is one HTML file whose script and style are inline: the Content-Security-Policy allows
exactly those blocks by their SHA-256 hashes (computed from the page as served, so a change to the
page needs no change here), nothing else inline (no `style=` or `on…=` attribute, no injected
script), and connections only to the API itself and the origins a page names (the console: Cognito
and the upload bucket). No page may be framed (clickjacking), no type sniffed, no referrer sent.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_BLOCK = {tag: re.compile(rf"<{tag}>(.*?)</{tag}>", re.DOTALL) for tag in ("script", "style")}


def _hashes(html: str, tag: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"
        for block in _BLOCK[tag].findall(html)
    ]


def origin(url: str | None) -> str | None:
    """`https://host[:port]` of a URL, or None for one that names no host."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def content_security_policy(html: str, connect: Iterable[str] = ()) -> str:
    """The policy for this page: its inline script and style by hash; `connect` origins besides 'self'."""
    scripts = " ".join(_hashes(html, "script")) or "'none'"
    styles = " ".join(_hashes(html, "style")) or "'none'"
    connects = " ".join(["'self'", *sorted({c for c in connect if c})])
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            f"style-src {styles}",
            "img-src 'self' data:",
            f"connect-src {connects}",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


def page_headers(html: str, connect: Iterable[str] = ()) -> dict[str, str]:
    """Every header a page is served with: its type and cache, and the security headers."""
    return {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-cache",
        "Content-Security-Policy": content_security_policy(html, connect),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors' older spelling, for older browsers
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",  # ignored over the local http
    }
