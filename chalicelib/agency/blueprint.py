"""The console's routes as a Chalice blueprint (`/v1/agency/…`, the page at `/console/`).

Every route verifies the caller's ID token, then the role its action needs, then (in the handler)
the province of the file it touches; anything else is a 401 or 403 in the contract's error shape.
Every action that changes something, signing in and out, and every read that names a person (a
search, the cases) is audited, refusals (403) included, and a search that found no one (404). A
sign-in is audited by the first request of it, whichever route (identity.py, audit.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from chalice import Blueprint, Response

from chalicelib.agency.audit import record, record_sign_in  # its logger takes its level when made, as api/flags.py
from chalicelib.aws.settings import Settings
from chalicelib.domain.csv_out import CsvFile
from chalicelib.domain.staff import AUDITED, Action, Staff
from chalicelib.services import Services, services
from chalicelib.web.bodies import request_json
from chalicelib.web.errors import ApiError, bad_input, error_response, unauthorized

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
    """The caller, from the sign-in's two tokens; the sign-in audited on the first request seen of it."""
    from chalicelib.agency.identity import ACCESS_HEADER, verify_session

    if svc.staff_pool is None or svc.staff_keys is None:
        raise unauthorized("the console is not set up on this stage")
    headers = agency.current_request.headers or {}
    signed_in = verify_session(
        headers.get("authorization"),
        headers.get(ACCESS_HEADER),
        pool=svc.staff_pool,
        keys=svc.staff_keys,
        sessions=svc.staff_sessions,
    )
    record_sign_in(svc.tables, svc.clock, signed_in, **_where())
    return signed_in.staff


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
            from chalicelib.agency.identity import Forbidden, Hidden, Unfound, forbidden

            try:
                svc = services()
                staff = _staff(svc)
                try:
                    if not staff.may(action):
                        raise forbidden(f"{action.value}: not allowed for the roles {', '.join(sorted(staff.roles))}")
                    done = handler(svc, staff, *args, **kwargs)
                except (Forbidden, Hidden) as exc:  # another province's thing is refused, and audited so
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
                return error_response(exc, _JSON)
            return _answer(done.status, done.body)

        return route

    return wrap


def _body() -> dict[str, Any]:
    """The request's JSON object through the API's one reader (400, 413, 415 in the contract's shape)."""
    return request_json(agency.current_request)


def _query() -> dict[str, str]:
    return dict(agency.current_request.query_params or {})


@agency.route("/v1/agency/session", methods=["POST"])
@console_route(Action.SIGN_IN)
def session(svc: Services, staff: Staff) -> Done:
    """The page calls this once signed in to Cognito: the profile. The sign-in is audited by every
    route on its first request (`record_sign_in`), whether or not the page calls this."""
    return Done(200, {"username": staff.username, "roles": sorted(staff.roles), "province_code": staff.province_code})


@agency.route("/v1/agency/session/end", methods=["POST"])
@console_route(Action.SIGN_OUT)
def end_session(svc: Services, staff: Staff) -> Done:
    """The page's sign-out, audited; the page then ends the session at Cognito (GlobalSignOut),
    which is what refuses its tokens from then on."""
    return Done(200, {"signed_out": staff.username})


@agency.route("/v1/agency/uploads", methods=["POST"])
@console_route(Action.UPLOAD)
def uploads(svc: Services, staff: Staff) -> Done:
    from chalicelib.agency.names import file_name
    from chalicelib.agency.uploads import presigned_upload, refuse_taken_name

    body = _body()
    mode = body.get("mode", "send")
    if mode not in ("send", "check"):
        raise bad_input("mode", "`send` or `check`")
    form = body.get("format", "csv")
    if form not in ("csv", "xlsx"):
        raise bad_input("format", "`csv` or `xlsx`")
    file = file_name(body.get("kind"), body.get("name"))
    refuse_taken_name(svc, staff, file.key("incoming"), **_where())
    post = presigned_upload(
        svc.clients.s3_presign,
        svc.settings.name("ingest"),
        file,
        mode,
        staff,
        max_bytes=svc.settings.max_upload_bytes,
        form=form,
    )
    return Done(201, post, subject=post["key"], details={"mode": mode})


@agency.route("/v1/agency/files", methods=["GET"])
@console_route(Action.LIST_FILES)
def list_files(svc: Services, staff: Staff) -> Done:
    from chalicelib.agency import uploaded_files

    return Done(200, uploaded_files.list_files(svc, staff, _query()))


@agency.route("/v1/agency/files/{kind}/{name}", methods=["GET"])
@console_route(Action.READ_FILE)
def read_file(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    """The file page; the read of its rejected rows audited, masked for a viewer (rejected.py)."""
    from chalicelib.agency import rejected, uploaded_files
    from chalicelib.agency.names import file_name

    return Done(
        200, rejected.page_read(svc, staff, uploaded_files.read_file(svc, staff, file_name(kind, name)), _where())
    )


@agency.route("/v1/agency/files/{kind}/{name}/errors", methods=["GET"])
@console_route(Action.READ_REJECTED)
def errors_csv(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    """A link to the errors CSV, or for a viewer the masked rows as a CSV download; audited."""
    from chalicelib.agency import rejected
    from chalicelib.agency.names import file_name

    body, key, details = rejected.errors_csv(svc, staff, file_name(kind, name))
    return Done(200, body, subject=key, details=details)


@agency.route("/v1/agency/files/{kind}/{name}/notices", methods=["GET"])
@console_route(Action.LIST_RECIPIENTS)
def file_notices(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    """A file's recipient list (or a CSV part of it); each read audited, as a read of personal data."""
    from chalicelib.agency import recipients
    from chalicelib.agency.names import file_name

    body, key, details = recipients.recipients(svc, staff, file_name(kind, name), _query())
    return Done(200, body, subject=key, details=details)


@agency.route("/v1/agency/files/{kind}/{name}/release", methods=["POST"])
@console_route(Action.RELEASE)
def release(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    from chalicelib.agency import uploaded_files
    from chalicelib.agency.names import file_name

    body, key = uploaded_files.release(svc, staff, file_name(kind, name))
    return Done(200, body, subject=key)


@agency.route("/v1/agency/files/{kind}/{name}/approve", methods=["POST"])
@console_route(Action.APPROVE)
def approve(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    from chalicelib.agency import uploaded_files
    from chalicelib.agency.names import file_name

    body, key = uploaded_files.approve(svc, staff, file_name(kind, name))
    return Done(200, body, subject=key, details={"version": body["version"]})


@agency.route("/v1/agency/files/{kind}/{name}/cancel", methods=["POST"])
@console_route(Action.CANCEL)
def cancel(svc: Services, staff: Staff, kind: str, name: str) -> Done:
    from chalicelib.agency import uploaded_files
    from chalicelib.agency.names import file_name

    body, key = uploaded_files.cancel(svc, staff, file_name(kind, name))
    return Done(200, body, subject=key)


def _batch(svc: Services, staff: Staff, kind: str, name: str, action: Action) -> Done:
    from chalicelib.agency import control
    from chalicelib.agency.names import file_name

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
    from chalicelib.agency import notices

    body, subject = notices.search(svc, staff, _query())
    return Done(200, body, subject=subject, details={"notices": len(body["notices"])})


@agency.route("/v1/agency/notices/{notice_id}/resend", methods=["POST"])
@console_route(Action.RESEND)
def resend_notice(svc: Services, staff: Staff, notice_id: str) -> Done:
    from chalicelib.agency import notices

    try:
        body, subject, details = notices.resend(svc, staff, unquote(notice_id))
    except ApiError as exc:
        if exc.status == 429:  # a resend over its bounds is audited too: a runaway account shows
            limited = {"outcome": "refused", "subject": "notice", "details": {"reason": "too_many_requests"}}
            record(svc.tables, svc.clock, staff, Action.RESEND, **limited, **_where())
        raise
    return Done(200, body, subject=subject, details=details)


@agency.route("/v1/agency/cases", methods=["GET"])
@console_route(Action.LIST_CASES)
def list_cases(svc: Services, staff: Staff) -> Done:
    from chalicelib.agency import cases

    body = cases.list_cases(svc, staff, _query())
    subject = f"case {body['code']}" if body.get("code") else f"cases {body['status']}"
    return Done(200, body, subject=subject, details={"cases": len(body["cases"])})


@agency.route("/v1/agency/cases/{case_id}/close", methods=["POST"])
@console_route(Action.CLOSE_CASE)
def close_case(svc: Services, staff: Staff, case_id: str) -> Done:
    from chalicelib.agency import cases

    body = cases.close(svc, staff, case_id, _body())
    return Done(200, body, subject=case_id, details={"notice": body["notice"]})


@agency.route("/v1/agency/figures", methods=["GET"])
@console_route(Action.FIGURES)
def figures(svc: Services, staff: Staff) -> Done:
    from chalicelib.agency.figures import figures as read_figures

    return Done(200, read_figures(svc, staff, _query()))


@agency.route("/v1/agency/audit", methods=["GET"])
@console_route(Action.AUDIT_TRAIL)
def audit(svc: Services, staff: Staff) -> Done:
    from chalicelib.agency.trail import audit_trail

    return Done(200, audit_trail(svc, staff, _query()))


def _sign_in_url(settings: Settings) -> str:
    """Where the page signs in: the stage's setting, else Cognito's own endpoint in the region."""
    return settings.staff_sign_in_url or f"https://cognito-idp.{settings.region}.amazonaws.com/"


@agency.route("/console", methods=["GET"])
def console_page() -> Response:
    """The page, with its security headers: it may connect to the API, Cognito and the upload bucket."""
    from chalicelib.agency.page import console_html
    from chalicelib.agency.uploads import upload_origin
    from chalicelib.web.page_headers import origin, page_headers

    svc = services()
    settings = svc.settings
    connect = [
        origin(_sign_in_url(settings)),
        upload_origin(svc.clients.s3_presign, settings.name("ingest")),
    ]
    html = console_html()
    return Response(body=html, status_code=200, headers=page_headers(html, [c for c in connect if c]))


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
        "sign_in_url": _sign_in_url(settings),
        "sms_price_usd": settings.sms_price_usd,
    }
    return Response(
        body=body, status_code=200, headers={"Content-Type": "application/json", "Cache-Control": "no-cache"}
    )
