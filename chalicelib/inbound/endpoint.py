"""`POST /sms/inbound`, the SNS HTTPS endpoint: verify, then confirm, log or answer.

Anything not signed by SNS for the configured topic, or too old, gets 403 and changes nothing.
The type is read from the body (moto, like a proxy might, sends no `x-amz-sns-*` headers)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from chalice import Response

from chalicelib.aws.sns_signature import (
    CertificateSource,
    Envelope,
    Refused,
    TrustedCertificates,
    default_roots,
    verify,
)
from chalicelib.inbound.queries import handle_inbound_sms
from chalicelib.services import Services, services
from chalicelib.web.bodies import json_body
from chalicelib.web.errors import ApiError, error_body, error_response

logger = Logger(child=True)
_MEDIA = ("text/plain", "application/json")  # SNS posts text/plain


class _Certificates:
    """One certificate source (and its cache) per process; tests put their own in place."""

    current: CertificateSource | None = None


def use_certificates(source: CertificateSource | None) -> None:
    _Certificates.current = source


def _certificates() -> CertificateSource:
    """SNS's chain-checked certificates; the local stack puts moto's in place (local/moto/sns_certificates.py)."""
    if _Certificates.current is None:
        _Certificates.current = TrustedCertificates(default_roots())
    return _Certificates.current


def handle_sns_post(
    raw_body: bytes | str | None, *, svc: Services | None = None, now: datetime | None = None
) -> Response:
    """The route's whole work; `now` is the real time (signature freshness is not business time)."""
    svc = svc or services()
    topic_arn = svc.settings.inbound_topic_arn
    try:
        body = json_body(raw_body, media_types=_MEDIA)
    except ApiError as exc:
        return error_response(exc)
    if not topic_arn:
        logger.error("INBOUND_TOPIC_ARN is not set: every message refused")
        return _answer(403, "refused")
    try:
        envelope = verify(body, topic_arn=topic_arn, certificates=_certificates(), now=now or datetime.now(UTC))
    except Refused as exc:
        logger.warning("sns message refused", reason=str(exc), sns_message_id=str(body.get("MessageId"))[:80])
        return _answer(exc.status, "refused")
    return _act(envelope, svc)


def _act(envelope: Envelope, svc: Services) -> Response:
    if envelope.type == "SubscriptionConfirmation":
        svc.clients.sns.confirm_subscription(
            TopicArn=envelope.topic_arn, Token=envelope.token, AuthenticateOnUnsubscribe="true"
        )
        logger.info("subscription confirmed", topic_arn=envelope.topic_arn)
        return _answer(200, "confirmed")
    if envelope.type == "UnsubscribeConfirmation":
        logger.warning("the inbound topic unsubscribed this endpoint", topic_arn=envelope.topic_arn)
        return _answer(200, "noted")
    outcome = handle_inbound_sms(svc, envelope.message, fallback_id=envelope.message_id)
    logger.info("inbound sms handled", sns_message_id=envelope.message_id, outcome=outcome)
    return _answer(200, outcome)


_CODES = {400: "bad_input", 403: "forbidden", 503: "unavailable"}


def _answer(status: int, what: str) -> Response:
    body: dict[str, Any] = {"status": what}
    if status >= 400:
        body = error_body(_CODES.get(status, "error"), what)
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json"})
