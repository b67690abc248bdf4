"""The local stack as the carrier: the inbound topic gets an HTTP subscription to the local API, so
a message published to it goes through moto's signing and HTTP delivery to `POST /sms/inbound`,
as the carrier's messages do through SNS in production."""

from __future__ import annotations

from typing import Any

from local.stack.resources import LocalStack


def subscribe_inbound(session: Any, stack: LocalStack, api_url: str) -> str:
    """Subscribe the local API's endpoint to the inbound topic; returns the subscription ARN.
    moto confirms HTTP subscriptions itself (no SubscriptionConfirmation is posted)."""
    sns = session.client("sns")
    return sns.subscribe(
        TopicArn=stack.outputs["InboundSmsTopicArn"],
        Protocol="http",
        Endpoint=f"{api_url.rstrip('/')}/sms/inbound",
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
