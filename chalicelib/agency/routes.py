"""The console's routes as a Chalice blueprint (`/v1/agency/…`, the page at `/console/`).

Every route verifies the caller's ID token, then the role its action needs, then (in the handler)
the province of the file it touches; anything else is a 401 or 403 in the contract's error shape.
Every action that changes something, signing in, and every read that names a person (a search, the
cases) is audited, refusals (403) included, and a search that found no one (404).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from chalice import Blueprint, Response

from chalicelib.agency import cases, control, files, notices
from chalicelib.agency.audit import record
from chalicelib.agency.figures import figures as read_figures
from chalicelib.agency.identity import Forbidden, Unfound, forbidden, verify_id_token
from chalicelib.agency.names import file_name
from chalicelib.agency.page import console_html
from chalicelib.agency.trail import audit_trail
from chalicelib.agency.uploads import presigned_upload
from chalicelib.api.bodies import json_body
from chalicelib.api.errors import ApiError, bad_input, unauthorized
from chalicelib.domain.csv_out import CsvFile
from chalicelib.domain.staff import AUDITED, Action, Staff
from chalicelib.services import Services, services

agency = Blueprint(__name__)

_JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}


@dataclass
class Done:
    """A handler's answer, with what the audit entry says about it."""

    status: int
    body: Any
    subject: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


Handler = Callable[..., Done]


def _where() -> dict[str, str | None]:
    request = agency.current_request
    identity = (request.context or {}).get("identity") or {}
    return {"source_ip": identity.get("sourceIp"), "user_agent": (request.headers or {}).get("user-agent")}


def _staff(svc: Services) -> Staff:
    if svc.staff_pool is None or svc.staff_keys is None:
        raise unauthorized("the console is not set up on this stage")
    return verify_id_token(
        (agency.current_request.headers or {}).get("authorization"), pool=svc.staff_pool, keys=svc.staff_keys
    )


def _answer(status: int, body: Any) -> Response:
    """JSON in the contract's shapes; a CsvFile as a download."""
    if isinstance(body, CsvFile):
        headers = {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{body.name}"',
            "Cache-Control": "no-store",
        }
        return Response(body=body.text, status_code=status, headers=headers)
    return Response(body=body, status_code=status, headers=_JSON)


def console_route(action: Action) -> Callable[[Handler], Callable[..., Response]]:
    """Token, then role, then the handler; the outcome audited when the action is one that is."""

    def wrap(handler: Handler) -> Callable[..., Response]:
        @functools.wraps(handler)
        def route(*args: Any, **kwargs: Any) -> Response:
            try:
                svc = services()
                staff = _staff(svc)
                try:
                    if not staff.may(action):
                        raise forbidden(f"{action.value}: not allowed for the roles {', '.join(sorted(staff.roles))}")
                    done = handler(svc, staff, *args, **kwargs)
                except Forbidden as exc:
                    record(svc.tables, svc.clock, staff, action, outcome="refused", subject=exc.subject, **_where())
                    raise
                except Unfound as exc:
                    if action in AUDITED:
                        missed = {"outcome": "not_found", "subject": exc.subject}
                        record(svc.tables, svc.clock, staff, action, **missed, **_where())
                    raise
                if action in AUDITED:
                    record(svc.tables, svc.clock, staff, action, subject=done.subject, details=done.details, **_where())
            except ApiError as exc:
                return Response(body=exc.body(), status_code=exc.status, headers={**_JSON, **exc.headers})
            return _answer(done.status, done.body)

        return route

    return wrap


def _body() -> dict[str, Any]:
    """The request's JSON object through the API's one reader (400, 413, 415 in the contract's shape)."""
    request = agency.current_request
    return json_body(request.raw_body, (request.headers or {}).get("content-type"))


def _query() -> dict[str, str]:
    return dict(agency.current_request.query_params or {})


@agency.route("/v1/agency/session", methods=["POST"])
@console_route(Action.SIGN_IN)
def session(svc: Services, staff: Staff) -> Done:
    """The page calls this once signed in to Cognito: the sign-in is audited, the profile answered."""
    return Done(200, {"username": staff.username, "roles": sorted(staff.roles), "province_code": staff.province_code})


@agency.route("/v1/agency/uploads", methods=["POST"])
@console_route(Action.UPLOAD)
def uploads(svc: Services, staff: Staff) -> Done:
    body = _body()
    mode = body.get("mode", "send")
    if mode not in ("send", "check"):
        raise bad_input("mode", "`send` or `check`")
    file = file_name(body.get("kind"), body.get("name"))
    post = presigned_upload(
        svc.clients.s3_presign,
        svc.settings.name("ingest"),
        file,
        mode,
        staff,
        max_bytes=svc.settings.max_upload_bytes,
    )
    return Done(201, post, subject=post["key"], details={"mode": mode})


@agency.route("/v1/agency/files", methods=["GET"])
@console_route(Action.LIST_FILES)
def list_files(svc: Services, staff: Staff) -> Done:
    return Done(200, files.list_files(svc, staff, _query()))


@agency.route("/v1/agency/files/{kind}/{name}", methods=["GET"])
@console_route(Action.READ_FILE)
def read_file(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    return Done(200, files.read_file(svc, staff, file_name(kind, name)))


@agency.route("/v1/agency/files/{kind}/{name}/errors", methods=["GET"])
@console_route(Action.READ_FILE)
def errors_csv(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    return Done(200, files.errors_link(svc, staff, file_name(kind, name)))


@agency.route("/v1/agency/files/{kind}/{name}/release", methods=["POST"])
@console_route(Action.RELEASE)
def release(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    body, key = files.release(svc, staff, file_name(kind, name))
    return Done(200, body, subject=key)


@agency.route("/v1/agency/files/{kind}/{name}/cancel", methods=["POST"])
@console_route(Action.CANCEL)
def cancel(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    body, key = files.cancel(svc, staff, file_name(kind, name))
    return Done(200, body, subject=key)


def _batch(svc: Services, staff: Staff, kind: str, name: str, action: Action) -> Done:
    body, key = control.apply(svc, staff, file_name(kind, name), action)
    return Done(200, body, subject=key, details={"before": body["before"], "after": body["after"]})


@agency.route("/v1/agency/files/{kind}/{name}/pause", methods=["POST"])
@console_route(Action.PAUSE)
def pause(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    return _batch(svc, staff, kind, name, Action.PAUSE)


@agency.route("/v1/agency/files/{kind}/{name}/resume", methods=["POST"])
@console_route(Action.RESUME)
def resume(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    return _batch(svc, staff, kind, name, Action.RESUME)


@agency.route("/v1/agency/files/{kind}/{name}/stop", methods=["POST"])
@console_route(Action.STOP)
def stop(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    return _batch(svc, staff, kind, name, Action.STOP)


@agency.route("/v1/agency/notices", methods=["GET"])
@console_route(Action.SEARCH_NOTICES)
def search_notices(svc: Services, staff: Staff) -> Done:
    """One person's, employer's or phone's notices for the hotline; the masked subject audited."""
    body, subject = notices.search(svc, staff, _query())
    return Done(200, body, subject=subject, details={"notices": len(body["notices"])})


@agency.route("/v1/agency/notices/{notice_id}/resend", methods=["POST"])
@console_route(Action.RESEND)
def resend_notice(svc: Services, staff: Staff, notice_id: str) -> Done:
    body, subject, details = notices.resend(svc, staff, unquote(notice_id))
    return Done(200, body, subject=subject, details=details)


@agency.route("/v1/agency/cases", methods=["GET"])
@console_route(Action.LIST_CASES)
def list_cases(svc: Services, staff: Staff) -> Done:
    body = cases.list_cases(svc, staff, _query())
    return Done(200, body, subject=f"cases {body['status']}", details={"cases": len(body["cases"])})


@agency.route("/v1/agency/cases/{case_id}/close", methods=["POST"])
@console_route(Action.CLOSE_CASE)
def close_case(svc: Services, staff: Staff, case_id: str) -> Done:
    body = cases.close(svc, staff, case_id, _body())
    return Done(200, body, subject=case_id, details={"notice": body["notice"]})


@agency.route("/v1/agency/figures", methods=["GET"])
@console_route(Action.FIGURES)
def figures(svc: Services, staff: Staff) -> Done:
    return Done(200, read_figures(svc, staff, _query()))


@agency.route("/v1/agency/audit", methods=["GET"])
@console_route(Action.AUDIT_TRAIL)
def audit(svc: Services, staff: Staff) -> Done:
    return Done(200, audit_trail(svc, staff, _query()))


@agency.route("/console", methods=["GET"])
def console_page() -> Response:
    return Response(
        body=console_html(),
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"},
    )


@agency.route("/console/config.json", methods=["GET"])
def console_config() -> Response:
    """What the page needs to sign in: the pool, its client and where to reach Cognito."""
    svc = services()
    pool = svc.staff_pool
    settings = svc.settings
    body = {
        "region": settings.region,
        "user_pool_id": pool.pool_id if pool else None,
        "client_id": pool.client_id if pool else None,
        "sign_in_url": settings.staff_sign_in_url or f"https://cognito-idp.{settings.region}.amazonaws.com/",
        "sms_price_usd": settings.sms_price_usd,
    }
    return Response(
        body=body, status_code=200, headers={"Content-Type": "application/json", "Cache-Control": "no-cache"}
    )
