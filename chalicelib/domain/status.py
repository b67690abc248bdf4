"""A notice's status in the outbox (CONTRACT, "SMS the service sends"), named once."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CREATED = "created"  # waiting for the sender
    HELD = "held"  # quiet hours: waits until `send_after`
    SENDING = "sending"  # claimed by a sender; ends in exactly one of the states below
    SENT = "sent"  # SNS accepted it; a delivery receipt moves it on
    DELIVERED = "delivered"
    PERMANENT_FAILURE = "permanent-failure"
    TEMPORARY_FAILURE = "temporary-failure"  # tried again by the 15-minute job, up to a bound
    TECHNICAL_FAILURE = "technical-failure"
    OPTED_OUT = "opted-out"
    UNREACHABLE = "unreachable"  # no phone on file for the recipient
    CANCELLED = "cancelled"  # its batch was stopped before it was sent


FAILED: frozenset[Status] = frozenset({Status.PERMANENT_FAILURE, Status.TEMPORARY_FAILURE, Status.TECHNICAL_FAILURE})
"""Not delivered because something went wrong (a temporary failure may still be retried)."""

FINAL: frozenset[Status] = frozenset(
    {
        Status.DELIVERED,
        Status.PERMANENT_FAILURE,
        Status.TECHNICAL_FAILURE,
        Status.OPTED_OUT,
        Status.UNREACHABLE,
        Status.CANCELLED,
    }
)
"""Nothing moves a notice out of these: no send, no retry, no receipt."""
