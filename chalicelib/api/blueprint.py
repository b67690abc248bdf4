"""The HTTP API's routes as a Chalice blueprint: read the request, call a handler, shape the answer.
Rules live in the handler modules; every refusal is an ApiError answered in the contract's shape.
Each route imports its handler module when it is called: the API's cold start loads the routes, and
a request the modules its own route needs (JWT and its cryptography only for signed-in routes).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from chalice import Blueprint, Response

from chalicelib.api import flags  # with the routes: its logger takes its level when made (tests change the env later)
from chalicelib.domain import identifiers
from chalicelib.domain.dates import parse_date
from chalicelib.domain.errors import InvalidValue
from chalicelib.services import services
from chalicelib.web.bodies import request_json
from chalicelib.web.errors import ApiError, bad_input, error_response

logger = Logger(child=True)
api = Blueprint(__name__)

_JSON = {"Content-Type": "application/json"}
_NO_STORE = {"Cache-Control": "no-store"}


def answers(handler: Callable[..., Any]) -> Callable[..., Response]:
    """Every answer JSON; an ApiError becomes its status and `{"error": …}` body."""

    @functools.wraps(handler)
    def route(*args: Any, **kwargs: Any) -> Response:
        try:
            status, body = handler(*args, **kwargs)
        except ApiError as exc:
            return error_response(exc, _NO_STORE)
        return Response(body=body, status_code=status, headers={**_JSON, **_NO_STORE})

    return route


def _body() -> dict[str, Any]:
    return request_json(api.current_request)


def _text(body: dict[str, Any], name: str, max_len: int = 200) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise bad_input(name, "required, a non-empty string")
    if len(value) > max_len:
        raise bad_input(name, f"at most {max_len} characters")
    return value


def _checked(name: str, check: Callable[[str], Any], raw: str) -> Any:
    try:
        return check(raw)
    except InvalidValue as exc:
        raise bad_input(name, str(exc)) from None


def _query(name: str) -> str | None:
    return (api.current_request.query_params or {}).get(name)


def _client() -> str:
    identity = (api.current_request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def _issuer() -> str:
    return f"bhxh-{services().settings.stage}"


def _signed_in() -> str:
    from chalicelib.api.tokens import read_token

    svc = services()
    headers = api.current_request.headers or {}
    claims = read_token(headers.get("authorization"), key=svc.jwt_key(), now=svc.clock(), issuer=_issuer())
    return claims.ss_code


@api.route("/v1/otp", methods=["POST"])
@answers
def otp() -> tuple[int, dict[str, Any]]:
    from chalicelib.api.otp import request_otp

    ss_code = _checked("ss_code", identifiers.ss_code, _text(_body(), "ss_code", 20))
    sent = request_otp(services(), ss_code, _client())
    return 202, {"request_id": sent.request_id, "expires_in": sent.expires_in}


@api.route("/v1/token", methods=["POST"])
@answers
def token() -> tuple[int, dict[str, Any]]:
    from chalicelib.api.otp import verify_otp
    from chalicelib.api.tokens import TOKEN_TTL_S, issue_token

    body = _body()
    request_id = _text(body, "request_id", 64)
    code = _text(body, "otp", 6)
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise bad_input("otp", "must be 6 digits")
    svc = services()
    ss_code = verify_otp(svc, request_id, code)
    signed = issue_token(ss_code, key=svc.jwt_key(), now=svc.clock(), issuer=_issuer())
    return 200, {"token": signed, "token_type": "Bearer", "expires_in": TOKEN_TTL_S}


@api.route("/v1/me", methods=["GET"])
@answers
def me() -> tuple[int, dict[str, Any]]:
    from chalicelib.api import lookups

    return 200, lookups.me(services(), _signed_in())


@api.route("/v1/me/contributions", methods=["GET"])
@answers
def contributions() -> tuple[int, dict[str, Any]]:
    from chalicelib.api import lookups

    ss_code = _signed_in()
    svc = services()
    answer = lookups.contributions(svc, ss_code, _query("from"), _query("to"))
    return 200, flags.with_month_flags(svc, ss_code, answer)


def _mine_today(lookup: Callable[..., dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """A signed-in person's own record that depends on today (a card's or a plan's status)."""
    return 200, lookup(services(), _signed_in())


@api.route("/v1/me/hi-card", methods=["GET"])
@answers
def my_hi_card() -> tuple[int, dict[str, Any]]:
    from chalicelib.api import lookups

    return _mine_today(lookups.hi_card)


@api.route("/v1/me/voluntary", methods=["GET"])
@answers
def my_voluntary() -> tuple[int, dict[str, Any]]:
    from chalicelib.api import lookups

    return _mine_today(lookups.voluntary)


@api.route("/v1/me/claims", methods=["GET"])
@answers
def my_claims() -> tuple[int, dict[str, Any]]:
    ss_code = _signed_in()
    return 200, flags.claims(services(), ss_code)


@api.route("/v1/me/flags", methods=["POST"])
@answers
def my_flags() -> tuple[int, dict[str, Any]]:
    ss_code = _signed_in()
    return 201, flags.flag(services(), ss_code, _body())


@api.route("/v1/hi-cards/check", methods=["POST"])
@answers
def check_hi_card() -> tuple[int, dict[str, Any]]:
    from chalicelib.api import public

    body = _body()
    card_no = _checked("card_no", identifiers.card_no, _text(body, "card_no", 20))
    full_name = _text(body, "full_name", 120)
    born = _checked("date_of_birth", parse_date, _text(body, "date_of_birth", 10))
    svc = services()
    public.limit_card_checks(svc, _client())
    return 200, public.check_hi_card(svc, card_no, full_name, born)


@api.route("/v1/dossiers", methods=["GET"])
@answers
def dossier() -> tuple[int, dict[str, Any]]:
    from chalicelib.api import public

    raw = _query("no")
    if not raw:
        raise bad_input("no", "required: the dossier number")
    number = _checked("no", identifiers.dossier_no, raw)
    svc = services()
    public.limit_dossier_lookups(svc, _client())
    return 200, public.dossier(svc, number)


@api.route("/", methods=["GET"])
def page() -> Response:
    from chalicelib.api.page import page_html
    from chalicelib.web.page_headers import page_headers

    html = page_html()
    return Response(body=html, status_code=200, headers=page_headers(html))  # the API itself, nothing else
