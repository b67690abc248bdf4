"""The one reader of a JSON request body, for every route of the lookup API, the console and the SNS
endpoint: whatever its shape (nested thousands deep, not UTF-8, a lone surrogate, a number of
thousands of digits, over 64 KiB, another media type) a body is a 400, 413 or 415 in the contract's
shape, never a 500. Each route module used to parse its own; one of them let `json.loads` raise
RecursionError (a 500 on `POST /v1/agency/uploads` and on closing a case)."""

from __future__ import annotations

from typing import Any

from chalice.app import Request

from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.json_input import parse_json_object
from chalicelib.web.errors import ApiError, bad_input
from chalicelib.web.middleware import MAX_BODY_BYTES, payload_too_large

JSON_MEDIA = ("application/json",)


def json_body(
    raw: bytes | str | None, content_type: str | None = None, *, media_types: tuple[str, ...] = JSON_MEDIA
) -> dict[str, Any]:
    """The body as a JSON object, or the ApiError to answer (400 naming `body`, 413 or 415)."""
    if len(raw or b"") > MAX_BODY_BYTES:
        raise payload_too_large()
    media = (content_type or "application/json").split(";")[0].strip().lower()
    if media not in media_types:
        raise ApiError(415, "unsupported_media_type", f"the body must be one of: {', '.join(media_types)}")
    try:
        return parse_json_object(raw)
    except InvalidValue as exc:
        raise bad_input("body", f"must be a JSON object ({exc})") from None


def request_json(request: Request) -> dict[str, Any]:
    """A route's request body as a JSON object, by its Content-Type (every route's one call)."""
    return json_body(request.raw_body, (request.headers or {}).get("content-type"))
