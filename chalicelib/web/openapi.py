"""`GET /openapi.json` assembled from its parts: the lookup API's (api/openapi.py) and the console's
(agency/openapi.py) each describe their own routes; neither imports the other, and this module
imports neither (app.py hands it both). What every part shares lives here: the error schema and the
refusals of a body (web/middleware.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from chalice import Response

from chalicelib.web.errors import JSON

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "messages": {  # the code's meaning
                    "type": "object",
                    "properties": {"vi": {"type": "string"}, "en": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
        }
    },
}


def error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """An answer in the contract's error shape."""
    answer: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
    if headers:
        answer["headers"] = headers
    return answer


_BODY_ERRORS = {
    "413": error("the body is over 64 KiB"),
    "415": error("the body is not of a media type the route takes"),
}


@dataclass(frozen=True, eq=False)  # hashed by identity: each part is one module-level value
class Part:
    """One package's routes (`paths`), its schemas and its security schemes."""

    paths: dict[str, Any]
    schemas: dict[str, Any] = field(default_factory=dict)
    security_schemes: dict[str, Any] = field(default_factory=dict)


def _with_body_errors(item: dict[str, Any]) -> dict[str, Any]:
    """Every route that reads a body may refuse it whole (web/middleware.py)."""
    return {
        method: {**op, "responses": {**op["responses"], **_BODY_ERRORS}} if "requestBody" in op else op
        for method, op in item.items()
    }


@cache
def spec(*parts: Part) -> dict[str, Any]:
    """The one document; a path or schema named by two parts is a mistake, refused here."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    schemes: dict[str, Any] = {}
    for part in parts:
        for mine, theirs in ((paths, part.paths), (schemas, part.schemas), (schemes, part.security_schemes)):
            twice = set(mine) & set(theirs)
            if twice:
                raise ValueError(f"described by two parts: {sorted(twice)}")
            mine.update(theirs)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "BHXH lookup API",
            "version": "1.0.0",
            "description": "Contributions, health card, voluntary plan after an OTP sign-in; card and dossier checks;"
            " the agency console's API (staff sign in through Cognito).",
        },
        "paths": {path: _with_body_errors(item) for path, item in paths.items()},
        "components": {"schemas": schemas, "securitySchemes": schemes},
    }


def answer(*parts: Part) -> Response:
    """The route's answer: the document of `parts`, as JSON."""
    return Response(body=json.dumps(spec(*parts)), status_code=200, headers=JSON)
