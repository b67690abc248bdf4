"""Two lanes under one SMS rate (CONTRACT, "Timing and delivery"): OTPs and query replies go in the
`urgent` lane, every other notice in the `bulk` lane. Each lane is an SQS queue consumed by the
`send` function with a maximum concurrency; each instance paces itself so that

    urgent senders x urgent pace + bulk senders x bulk pace = the account's rate,

whatever Lambda scales to. The urgent lane keeps a small reserved share, so an OTP never waits behind
a backlog, and the bulk lane uses the rest (at least 90 % while a backlog waits).

The rate is SNS's account limit in message parts per second (MPS): a two-part SMS takes two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.status import Status


class Lane(StrEnum):
    URGENT = "urgent"
    BULK = "bulk"


def lane_of(urgent: bool) -> Lane:
    return Lane.URGENT if urgent else Lane.BULK


MIN_SENDERS = 2  # Lambda's smallest MaximumConcurrency for an SQS event source
URGENT_SHARE = 0.05  # of the account's rate, unless set: what OTPs and replies may use at most


@dataclass(frozen=True)
class SendRates:
    """The account's rate split between the lanes and their senders (all in parts per second)."""

    account: float  # SMS_PER_SECOND: the account's MPS, as AWS granted it
    urgent: float  # reserved for the urgent lane
    urgent_senders: int  # the urgent event source's MaximumConcurrency
    bulk_senders: int  # the bulk event source's MaximumConcurrency

    @classmethod
    def of(cls, account: float, *, urgent: float | None, urgent_senders: int, bulk_senders: int) -> SendRates:
        if account <= 0:
            raise ValueError("the account's SMS rate must be positive")
        if urgent_senders < MIN_SENDERS or bulk_senders < MIN_SENDERS:
            raise ValueError(f"each lane's maximum concurrency is at least {MIN_SENDERS} (Lambda's minimum)")
        reserved = account * URGENT_SHARE if urgent is None else urgent
        if not 0 < reserved < account:
            raise ValueError("the urgent lane's rate must be above 0 and below the account's rate")
        return cls(account, reserved, urgent_senders, bulk_senders)

    @property
    def bulk(self) -> float:
        return self.account - self.urgent

    def senders(self, lane: Lane) -> int:
        return self.urgent_senders if lane is Lane.URGENT else self.bulk_senders

    def per_sender(self, lane: Lane) -> float:
        """The pace of one instance of `lane`: its share of the rate over its maximum concurrency."""
        share = self.urgent if lane is Lane.URGENT else self.bulk
        return share / self.senders(lane)


def should_route(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    """An outbox change that asks for a send: a notice that has just become `created` (new, released,
    retried, resumed). What stays of a notice after its personal data expired is never sent."""
    if not new or new.get("status") != Status.CREATED or new.get("stripped_at"):
        return False
    return old is None or old.get("status") != Status.CREATED
