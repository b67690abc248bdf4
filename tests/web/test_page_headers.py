"""Both pages carry security headers (CONTRACT's hardening): a Content-Security-Policy that allows
only the page's own inline script and style (by hash) and no framing, nosniff, no referrer."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from chalicelib.api.page import page_html
from chalicelib.web.page_headers import content_security_policy, origin

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def _policy(headers: dict[str, str]) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))


def _sha(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


def test_the_lookup_page_allows_its_own_script_and_style_only_and_no_framing(api) -> None:
    answer = api._answer(api.client.http.get("/"))
    assert answer.status == 200
    headers = {k.lower(): v for k, v in answer.headers.items()}
    for name, value in SECURITY.items():
        assert headers[name] == value
    policy = _policy(headers)
    [script] = re.findall(r"<script>(.*?)</script>", page_html(), re.DOTALL)
    assert policy["script-src"] == _sha(script)
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "unsafe-eval" not in headers["content-security-policy"]


def test_the_console_page_may_also_reach_cognito_and_the_upload_bucket(api) -> None:
    answer = api._answer(api.client.http.get("/console"))
    assert answer.status == 200
    headers = {k.lower(): v for k, v in answer.headers.items()}
    for name, value in SECURITY.items():
        assert headers[name] == value
    policy = _policy(headers)
    html = answer.body.decode() if isinstance(answer.body, bytes) else answer.body
    [script] = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert policy["script-src"] == _sha(script)  # the script as served, its statuses filled in
    connect = policy["connect-src"].split()
    assert connect[0] == "'self'" and len(connect) == 3
    assert any("cognito-idp" in c or "127.0.0.1" in c or "localhost" in c for c in connect[1:])
    assert policy["frame-ancestors"] == "'none'"


def test_a_changed_script_is_no_longer_allowed() -> None:
    html = "<style>p{}</style><script>go()</script>"
    assert _sha("go()") in content_security_policy(html)
    assert _sha("go()") not in content_security_policy(html.replace("go()", "go(1)"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cognito-idp.ap-southeast-1.amazonaws.com/", "https://cognito-idp.ap-southeast-1.amazonaws.com"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("https://bhxh-prod-ingest.s3.amazonaws.com/", "https://bhxh-prod-ingest.s3.amazonaws.com"),
        ("javascript:alert(1)", None),
        (None, None),
    ],
)
def test_an_origin_is_a_scheme_and_host_only(url, expected) -> None:
    assert origin(url) == expected
