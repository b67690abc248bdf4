"""The wiring of one process: settings, clock, clients, tables, keys and the SMS provider, each made
once on first use and injectable. Flows take a `Services` (`svc`) first; store functions take its
`tables`; the domain takes plain values.

Handlers ask `services()`; tests and the local stack call `use_services(...)` to put their own in place
(the local stack's movable clock, in-process moto). Only aws/, store/ and domain/ are imported here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from chalicelib.aws.clients import Clients
from chalicelib.aws.cognito import Fetch, StaffKeys, StaffPool, https_get
from chalicelib.aws.idempotency import Idempotency
from chalicelib.aws.pacing import Pacer
from chalicelib.aws.secrets import secure_key
from chalicelib.aws.settings import Settings
from chalicelib.aws.sms import SmsProvider, SnsSms
from chalicelib.domain.clock import Clock, system_clock
from chalicelib.store.models import Tables, bind_tables


@dataclass
class Services:
    settings: Settings
    clock: Clock
    sleep: Callable[[float], None] = time.sleep  # retries' backoff waits: tests record them instead
    jwks_fetch: Fetch = https_get  # how the staff pool's keys are read (the local stack reads moto's)

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.settings.region)

    @cached_property
    def tables(self) -> Tables:
        return bind_tables(self.settings.prefix, self.settings.region)

    @cached_property
    def staff_pool(self) -> StaffPool | None:
        """The console's user pool, or None on a stage that has none (every console route is 401)."""
        s = self.settings
        if not (s.staff_pool_id and s.staff_client_id):
            return None
        return StaffPool(region=s.region, pool_id=s.staff_pool_id, client_id=s.staff_client_id)

    @cached_property
    def staff_keys(self) -> StaffKeys | None:
        pool = self.staff_pool
        return StaffKeys(pool.jwks_url, self.jwks_fetch) if pool else None

    @cached_property
    def sms(self) -> SmsProvider:
        return SnsSms(self.clients.sms, self.settings.sender_id, self.settings.sms_type)

    @cached_property
    def pacer(self) -> Pacer:
        """One per process: the rate holds across batches, not only within one."""
        return Pacer(self.settings.sms_per_second)

    @cached_property
    def idempotency(self) -> Idempotency:
        return Idempotency(self.settings.name("idempotency"), lambda: self.clients.dynamodb)

    def jwt_key(self) -> bytes:
        return secure_key(self.settings.jwt_key_parameter)

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
