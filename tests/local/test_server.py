"""The local API server's request log: what `make run` prints for each request keeps no phone or code."""

from __future__ import annotations

import pytest

from local.stack.server import masked_request_line


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("GET /v1/agency/notices?phone=0912%20000%20111 HTTP/1.1", "GET /v1/agency/notices?… HTTP/1.1"),
        ("GET /v1/agency/notices?ss_code=4012345678 HTTP/1.1", "GET /v1/agency/notices?… HTTP/1.1"),
        (
            "POST /v1/agency/notices/voluntary_due%234012345678%232026-12/resend HTTP/1.1",
            "POST /v1/agency/notices/voluntary_due#<ss_code>#2026-12/resend HTTP/1.1",
        ),
        ("GET /console/ HTTP/1.1", "GET /console/ HTTP/1.1"),
        ("garbage", "garbage"),
    ],
)
def test_a_request_line_is_logged_without_its_query_and_masked(line: str, shown: str) -> None:
    assert masked_request_line(line) == shown
