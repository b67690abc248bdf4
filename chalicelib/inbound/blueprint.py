"""The short code's HTTPS endpoint as a Chalice blueprint: SNS posts each carrier message here (its
signature check and its cryptography are imported when one comes, not in the API's cold start)."""

from __future__ import annotations

from chalice import Blueprint, Response

inbound = Blueprint(__name__)


@inbound.route("/sms/inbound", methods=["POST"], content_types=["text/plain", "application/json"])
def sms_inbound() -> Response:
    from chalicelib.inbound.endpoint import handle_sns_post

    return handle_sns_post(inbound.current_request.raw_body)
