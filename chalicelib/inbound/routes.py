"""The short code's HTTPS endpoint as a Chalice blueprint: SNS posts each carrier message here."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.inbound.endpoint import handle_sns_post

inbound = Blueprint(__name__)


@inbound.route("/sms/inbound", methods=["POST"], content_types=["text/plain", "application/json"])
def sms_inbound() -> Response:
    return handle_sns_post(inbound.current_request.raw_body)
