"""Sign-in by a one-time code sent to the phone registered for an `ss_code` (form TK1-TS).

`request_otp` does the same work whatever the code: it stores the request and queues one notice to
the person, which the outbox resolves to their phone or records as unreachable. So the answer, its
timing and the writes behind it do not tell a registered code from an unknown or phoneless one.
No code is stored anywhere: it is derived from the request id under the stage's key (domain/otp.py),
here to check it and by the sender to render the SMS. Five wrong tries spend the request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.otp import code_matches
from chalicelib.notify.outbox import enqueue
from chalicelib.observability import correlate, count_metric
from chalicelib.services import Services
from chalicelib.store.conditions import delete_if, update_if
from chalicelib.store.maps import plain_map
from chalicelib.store.models import GuardModel
from chalicelib.web.errors import ApiError
from chalicelib.web.limits import Limit, enforce

logger = Logger(child=True)

OTP_TTL_S = 5 * 60
MAX_TRIES = 5
PER_CODE = Limit(3, 15 * 60)  # at most 3 requests per ss_code per 15 minutes
PER_CLIENT = Limit(20, 60 * 60)  # and 20 per client per hour


@dataclass(frozen=True)
class OtpRequest:
    request_id: str
    expires_in: int


def request_otp(svc: Services, ss_code: str, client: str) -> OtpRequest:
    """Store the request and queue its code to the registered phone; the same answer for every code."""
    tables, clock = svc.tables, svc.clock
    enforce(svc, f"otp-client#{client}", PER_CLIENT)
    enforce(svc, f"otp-code#{ss_code}", PER_CODE)
    now = int(clock().timestamp())
    request_id = secrets.token_urlsafe(18)
    tables.guard(f"otp#{request_id}", expires_at=now + OTP_TTL_S, data={"ss_code": ss_code, "tries": 0}).save()
    correlate(f"otp#{request_id}")
    enqueue(
        svc,
        Notice(
            template="otp",
            dedupe_key=f"otp#{request_id}",
            recipient=Recipient("person", ss_code),
            params={"request_id": request_id, "minutes": str(OTP_TTL_S // 60)},  # the code: at send
            urgent=True,
        ),
        source=f"otp#{request_id}",
    )
    logger.info("otp requested", request_id=request_id)
    count_metric("OtpRequested")
    return OtpRequest(request_id=request_id, expires_in=OTP_TTL_S)


def _wrong() -> ApiError:
    return ApiError(401, "invalid_otp", "the code is wrong, expired or already used: request a new one")


def verify_otp(svc: Services, request_id: str, code: str) -> str:
    """The `ss_code` the request was for, when `code` is right; spends the request either way it ends."""
    tables, clock, key = svc.tables, svc.clock, svc.otp_key()
    guard = tables.guard
    try:
        item: GuardModel = guard.get(f"otp#{request_id}", consistent_read=True)
    except DoesNotExist:
        raise _wrong() from None
    data = plain_map(item.data)
    now = int(clock().timestamp())
    tries = int(data.get("tries", MAX_TRIES))
    if not item.expires_at or now >= int(item.expires_at) or tries >= MAX_TRIES:
        raise _wrong()
    if not code_matches(key, request_id, code):
        # atomic, so parallel guesses cannot get more than five tries between them
        update_if(item, [guard.data["tries"].add(1)], guard.data["tries"] < MAX_TRIES)
        logger.info("otp wrong", request_id=request_id)
        raise _wrong()
    if not delete_if(item, guard.data["tries"] < MAX_TRIES):  # single use: only the first right answer gets a token
        raise _wrong()
    ss_code = str(data["ss_code"])
    try:  # a code made for an unknown or phoneless ss_code reached no one: whoever holds it guessed it
        reachable = bool(tables.people.get(ss_code).phone)
    except DoesNotExist:
        reachable = False
    if not reachable:
        raise _wrong()
    return ss_code
