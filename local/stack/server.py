"""The local API server: Chalice's own, with its request log keeping personal data out.

Chalice's dev server logs every request line (`GET /v1/agency/notices?phone=0912… HTTP/1.1`) to
stderr, which `make run` prints. Some routes carry a phone or a code in the URL (CONTRACT's hotline
search); here the query string is left out of the line and what is left is masked like every log line.
`make run` hands `MaskedRequestLog` to `LocalFunctions.local_server`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from chalice.local import ChaliceRequestHandler

from chalicelib.domain.privacy import mask_personal


def masked_request_line(line: str) -> str:
    """`GET /v1/agency/notices?phone=0912000111 HTTP/1.1` → `GET /v1/agency/notices?… HTTP/1.1`."""
    method, _, rest = line.partition(" ")
    target, _, version = rest.partition(" ")
    path, query, _ = target.partition("?")
    shown = mask_personal(unquote(path)) + ("?…" if query else "")
    return " ".join(part for part in (method, shown, version) if part)


class MaskedRequestLog(ChaliceRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        shown = code.value if isinstance(code, HTTPStatus) else code
        self.log_message('"%s" %s %s', masked_request_line(self.requestline), shown, size)

    def log_error(self, format: str, *args: Any) -> None:
        """A malformed request's line is in its message: cut at the query, masked."""
        self.log_message("%s", mask_personal(unquote(format % args)).split("?", 1)[0])
