"""The console's routes in `GET /openapi.json` (CONTRACT, "Agency console"): staff ID token as bearer."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.file_view import ACTION_NAMES, LISTED, ShownStatus
from chalicelib.web.openapi import Part, error

_STAFF = [{"staffIdToken": [], "staffAccessToken": []}]  # both: the ID token and its sign-in's access token
_KINDS = [
    "employers",
    "people",
    "history",
    "payments",
    "declarations",
    "dossiers",
    "hi_cards",
    "voluntary",
    "arrears",
    "benefits",
    "hi_claims",
]
_FILE_PARAMS = [
    {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": _KINDS}},
    {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 104}},
]
_OBJECT = {"type": "object"}  # the console's answers are documented in CONTRACT; their fields may grow
_FILE = {  # one upload in the list, and the file's GET (which adds its report, preview, batch, earlier uploads)
    "type": "object",
    "properties": {
        "file": {"type": "string"},
        "kind": {"type": "string", "enum": _KINDS},
        "status": {"type": "string", "enum": list(LISTED), "description": "CONTRACT's status"},
        "shown_status": {
            "type": "string",
            "enum": [s.value for s in ShownStatus],
            "description": "what the console tells: a staged file being checked, a paused or stopped batch",
        },
        "actions": {
            "type": "object",
            "properties": {name: {"type": "boolean"} for name in ACTION_NAMES},
            "description": "the buttons the upload offers now (the routes still decide: 409 when stale)",
        },
        "newest": {"type": "boolean", "description": "false: an earlier upload under the name, its own row"},
        "unsent": {"type": "integer", "description": "a taken upload's SMS left to send"},
    },
    "required": ["file", "kind", "status", "shown_status", "actions", "newest"],
}
_FILES = {
    "type": "object",
    "properties": {"files": {"type": "array", "items": _FILE}, "province_code": {"type": "string"}},
    "required": ["files"],
}


def _ok(description: str, status: str = "200", schema: dict[str, Any] = _OBJECT) -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


_REFUSALS = {
    "400": error("bad input; the message names the field"),
    "401": error("no staff ID and access token of one sign-in, expired, forged, signed out or disabled"),
    "403": error("the staff member's role does not allow it"),
    "404": error("no such file, person, notice or case (another province's answers the same)"),
    "409": error("not in a state that allows it"),
    "413": error("a body over 64 KiB"),
}


def _op(summary: str, ok: dict[str, Any], *, body: dict[str, Any] | None = None, params: list | None = None) -> dict:
    operation: dict[str, Any] = {"summary": summary, "security": _STAFF, "responses": {**ok, **_REFUSALS}}
    if body is not None:
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    if params:
        operation["parameters"] = params
    return operation


def _action(summary: str) -> dict[str, Any]:
    op = _op(summary, _ok("done"), params=_FILE_PARAMS)
    op["responses"]["409"] = error("not in a state that allows it")
    return {"post": op}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_RANGE = [_query("from", {"type": "string", "format": "date"}), _query("to", {"type": "string", "format": "date"})]
_FORMAT = {"type": "string", "enum": ["json", "csv"]}
_JSON_OR_CSV = {
    "200": {
        "description": "JSON, or CSV with format=csv",
        "content": {"application/json": {"schema": _OBJECT}, "text/csv": {"schema": {"type": "string"}}},
    }
}

UPLOAD = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": _KINDS},
        "name": {"type": "string", "maxLength": 105, "example": "2026-11"},
        "mode": {"type": "string", "enum": ["send", "check"]},
        "format": {"type": "string", "enum": ["csv", "xlsx"], "description": "xlsx: the first sheet is taken"},
    },
    "required": ["kind", "name"],
}

PATHS: dict[str, Any] = {
    "/v1/agency/session": {
        "post": _op("the staff member's roles and province (the sign-in is audited)", _ok("signed in"))
    },
    "/v1/agency/session/end": {
        "post": _op("audit the staff member's sign-out (the page then signs out at Cognito)", _ok("signed out"))
    },
    "/v1/agency/uploads": {
        "post": _op(
            "a presigned POST for the file (send: incoming/, check: staged/); 409 when another province owns the name",
            _ok("made", "201"),
            body=UPLOAD,
        )
    },
    "/v1/agency/files": {
        "get": _op(
            "the province's uploads, newest first (an earlier upload of a name its own row), with their progress,"
            " `status` (CONTRACT's), `shown_status` and `actions`; `status=` takes either kind of status",
            _ok("the files", schema=_FILES),
            params=[
                {"name": "kind", "in": "query", "required": False, "schema": {"type": "string", "enum": _KINDS}},
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "string",
                        "enum": list(dict.fromkeys([*LISTED, *(s.value for s in ShownStatus)])),
                    },
                },
                {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
            ],
        )
    },
    "/v1/agency/files/{kind}/{name}": {
        "get": _op(
            "one file: status, shown_status, actions, progress, report, preview of a staged file, earlier uploads",
            _ok("the file", schema=_FILE),
            params=_FILE_PARAMS,
        )
    },
    "/v1/agency/files/{kind}/{name}/errors": {
        "get": _op(
            "a short-lived link to the errors CSV; for a viewer, the rows masked as a CSV download",
            _JSON_OR_CSV,
            params=_FILE_PARAMS,
        )
    },
    "/v1/agency/files/{kind}/{name}/notices": {
        "get": _op(
            "the upload's notices with status and reason, phones masked, 100 a page with the total (audited)",
            _ok("a page of notices, or a CSV part of 10,000 with format=csv"),
            params=[
                *_FILE_PARAMS,
                {"name": "status", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 40}},
                {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json", "csv"]},
                },
            ],
        )
    },
    "/v1/agency/files/{kind}/{name}/release": _action("take a staged file, as if uploaded to incoming/"),
    "/v1/agency/files/{kind}/{name}/approve": _action(
        "a second person (uploader or support of the province, not the uploader) approves a file of over 5,000 SMS"
    ),
    "/v1/agency/files/{kind}/{name}/cancel": _action("cancel a staged file: nothing is taken"),
    "/v1/agency/files/{kind}/{name}/pause": _action("the file's unsent notices wait"),
    "/v1/agency/files/{kind}/{name}/resume": _action("the file's held notices go on"),
    "/v1/agency/files/{kind}/{name}/stop": _action("the file's unsent notices are cancelled"),
    "/v1/agency/notices": {
        "get": _op(
            "one person's, employer's or phone's notices within retention, phones masked (support; audited)",
            _ok("the notices, and whether the phone opted out"),
            params=[
                {"name": name, "in": "query", "required": False, "schema": {"type": "string", "maxLength": 40}}
                for name in ("phone", "ss_code", "unit_code")
            ]
            + [{"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}}],
        )
    },
    "/v1/agency/notices/{notice_id}/resend": {
        "post": {
            **_op(
                "a failed notice sent again through the sender's claim (support; audited)",
                _ok("queued again"),
                params=[{"name": "notice_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            ),
        }
    },
    "/v1/agency/cases": {
        "get": _op(
            "cases people flagged, of the staff member's province (support; audited); each with its"
            " `case_code`; `code` finds one case by its code (another province's is not found)",
            _ok("the cases"),
            params=[
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["open", "closed"]},
                },
                {
                    "name": "code",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "example": "BHXH-40-2612-0042"},
                },
            ],
        )
    },
    "/v1/agency/cases/{case_id}/close": {
        "post": _op(
            "close a case with an outcome; the person gets one case_closed SMS (support; audited)",
            _ok("closed"),
            body={
                "type": "object",
                "properties": {"outcome": {"type": "string", "maxLength": 500}},
                "required": ["outcome"],
            },
            params=[{"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        )
    },
    "/v1/agency/figures": {
        "get": _op(
            "the figures of `make report` for a date range, the province's own (notices per day and template;"
            " its files); national staff: every province's, and by_province",
            _JSON_OR_CSV,
            params=[
                *_RANGE,
                _query("format", _FORMAT),
                _query("part", {"type": "string", "enum": ["notices", "files"]}),
            ],
        )
    },
    "/v1/agency/audit": {
        "get": _op(
            "the audit trail for a date range, by staff member and kind of action, of the province's staff",
            _JSON_OR_CSV,
            params=[
                *_RANGE,
                _query("staff", {"type": "string", "maxLength": 128}),
                _query("action", {"type": "string"}),
                _query("format", _FORMAT),
            ],
        )
    },
    "/console": {
        "get": {
            "summary": "the agency console (Vietnamese, with English)",
            "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }
    },
    "/console/config.json": {
        "get": {
            "summary": "where the console signs in: the staff pool, its client, Cognito's endpoint",
            "responses": _ok("the configuration"),
        }
    },
}

SECURITY_SCHEMES = {
    "staffIdToken": {"type": "http", "scheme": "bearer", "bearerFormat": "Cognito ID token"},
    "staffAccessToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Access-Token",
        "description": "the same sign-in's Cognito access token: Cognito is asked whether the session still stands",
    },
}

PART = Part(paths=PATHS, security_schemes=SECURITY_SCHEMES)
