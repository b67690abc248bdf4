"""The wiring of one process: settings, clock, clients, tables, keys and the SMS provider, each made
once on first use and injectable. Flows take a `Services` (`svc`) first; store functions take its
`tables`; the domain takes plain values.

Handlers ask `services()`; tests and the local stack call `use_services(...)` to put their own in place
(the local stack's movable clock, in-process moto). Only aws/, store/ and domain/ are imported here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.aws.clients import Clients
from chalicelib.aws.lanes import LaneQueues
from chalicelib.aws.pacing import Pacer
from chalicelib.aws.secrets import secure_key
from chalicelib.aws.settings import Settings
from chalicelib.aws.sms import SmsProvider, SnsSms
from chalicelib.domain.clock import Clock, system_clock
from chalicelib.domain.lanes import Lane
from chalicelib.store.models import Tables, bind_tables

if TYPE_CHECKING:
    from chalicelib.aws.idempotency import Idempotency


@dataclass
class Services:
    settings: Settings
    clock: Clock
    sleep: Callable[[float], None] = time.sleep  # retries' backoff waits: tests record them instead
    _pacers: threading.local = field(default_factory=threading.local, repr=False)

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.settings.region)

    @cached_property
    def tables(self) -> Tables:
        return bind_tables(self.settings.prefix, self.settings.region)

    @cached_property
    def sms(self) -> SmsProvider:
        return SnsSms(self.clients.sms, self.settings.sender_id, self.settings.sms_type)

    @cached_property
    def lanes(self) -> LaneQueues:
        return LaneQueues(self.clients.sqs, self.settings)

    def pacer(self, lane: Lane) -> Pacer:
        """One per sender instance and lane, kept across invocations: the pace holds across batches.
        An instance is a process in Lambda and a thread in the local stack's pump, hence per thread."""
        pacers: dict[Lane, Pacer] = self._pacers.__dict__.setdefault("by_lane", {})
        if lane not in pacers:
            pacers[lane] = Pacer(self.settings.rates().per_sender(lane))
        return pacers[lane]

    @cached_property
    def idempotency(self) -> Idempotency:
        """Powertools idempotency: only the scheduled ticks use it, so only they import it."""
        from chalicelib.aws.idempotency import Idempotency

        return Idempotency(self.settings.name("idempotency"), lambda: self.clients.dynamodb)

    def jwt_key(self) -> bytes:
        return secure_key(self.settings.jwt_key_parameter)

    def otp_key(self) -> bytes:
        """Derives OTP codes (domain/otp.py): the API to check one, the sender to render it."""
        return self.jwt_key()

    def dedupe_key(self) -> bytes:
        return secure_key(self.settings.dedupe_key_parameter)

    def id_hash_key(self) -> bytes:
        return secure_key(self.settings.id_hash_key_parameter)


class _Holder:
    current: Services | None = None


def services() -> Services:
    """The process's services, made from the environment on first use."""
    if _Holder.current is None:
        _Holder.current = Services(settings=Settings.from_env(), clock=system_clock)
    return _Holder.current


def use_services(replacement: Services | None) -> None:
    """Put `replacement` in place (None: make them again from the environment on next use)."""
    _Holder.current = replacement
