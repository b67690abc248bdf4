"""One HTTP middleware for every route: bodies over 64 KiB refused before any handler reads them,
and Chalice's own refusals (405, 415, its 400 and 500) answered in the contract's error shape.

Chalice answers those itself as `{"Code": "MethodNotAllowedError", "Message": …}`, outside any
route's code, so only a middleware sees them. API Gateway's own refusals in production (throttling,
unknown routes, bodies over its limit) are shaped the same by the template's gateway responses
(infra/wiring.yaml)."""

from __future__ import annotations

import re
from collections.abc import Callable

from chalice import Response
from chalice.app import Request

from chalicelib.web.errors import JSON, ApiError, error_body, error_response

MAX_BODY_BYTES = 64 * 1024

# Chalice's error names (its `Code`) to the contract's codes
_CODES = {
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequest": "bad_input",
    "BadRequestError": "bad_input",
    "InternalServerError": "internal_error",
}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def payload_too_large() -> ApiError:
    return ApiError(413, "payload_too_large", f"the body is over {MAX_BODY_BYTES // 1024} KiB")


def contract_http(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice HTTP middleware (registered in app.py)."""
    if len(request.raw_body or b"") > MAX_BODY_BYTES:
        return error_response(payload_too_large())
    response = get_response(request)
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        name = str(body["Code"])
        code = _CODES.get(name) or _CAMEL.sub("_", name.removesuffix("Error")).lower()
        response.body = error_body(code, str(body["Message"]))
        response.headers = {**response.headers, **JSON}
    return response
