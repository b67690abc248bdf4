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

NO_RECEIPT = "no delivery receipt"
"""The reason of a `temporary-failure` that is not retried: sent, and no receipt came within 72 hours
(CONTRACT). Sending again could tell twice; a receipt that still comes is applied."""

MAYBE_SENT = "SNS may have sent it"
"""In the reason of a `technical-failure` whose Publish may have gone out (its answer was lost, or
the sender stopped between claim and outcome): never sent again, by the jobs or by a resend."""

RESENDABLE: frozenset[Status] = FAILED & FINAL
"""What the hotline may send again: failed for good. A `temporary-failure` is either still retried
by the 15-minute job or was ended by the 72-hour rule ("no delivery receipt": it may have arrived)."""

UNSENT: frozenset[Status] = frozenset({Status.CREATED, Status.HELD})
"""Waiting to be sent: what pausing a batch holds and stopping it cancels."""

STATUS_NAMES: dict[str, dict[Status, str]] = {
    "vi": {
        Status.CREATED: "chờ gửi",
        Status.HELD: "tạm giữ",
        Status.SENDING: "đang gửi",
        Status.SENT: "đã gửi",
        Status.DELIVERED: "đã nhận",
        Status.CANCELLED: "đã hủy",
        Status.PERMANENT_FAILURE: "lỗi vĩnh viễn",
        Status.TEMPORARY_FAILURE: "lỗi tạm thời",
        Status.TECHNICAL_FAILURE: "lỗi kỹ thuật",
        Status.OPTED_OUT: "từ chối nhận",
        Status.UNREACHABLE: "không liên lạc được",
    },
    "en": {
        Status.CREATED: "waiting",
        Status.HELD: "held",
        Status.SENDING: "sending",
        Status.SENT: "sent",
        Status.DELIVERED: "delivered",
        Status.CANCELLED: "cancelled",
        Status.PERMANENT_FAILURE: "permanent failure",
        Status.TEMPORARY_FAILURE: "temporary failure",
        Status.TECHNICAL_FAILURE: "technical failure",
        Status.OPTED_OUT: "opted out",
        Status.UNREACHABLE: "unreachable",
    },
}
"""Each status in the console's two languages: the page is given them when it is served
(agency/page.py), so that the statuses are spelled here alone."""
