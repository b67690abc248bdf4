"""The wiring of one process: settings, clock, clients, tables, keys and the SMS provider, each made
once on first use and injectable. Flows take a `Services` (`svc`) first; store functions take its
`tables`; the domain takes plain values.

Handlers ask `services()`; tests and the local stack call `use_services(...)` to put their own in place
(the local stack's movable clock, in-process moto). Only aws/, store/ and domain/ are imported here.

In Lambda a process is one function and its credentials are its role's, from the environment. The
local stack and the tests run every function in one process, each under its own role's credentials
(local/functions.py): they run a handler inside `running_as(its services)`, which `services()`
answers within that context only (a context variable: the API's threads and the event pump never
see each other's).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property

from aws_lambda_powertools.utilities.parameters import SSMProvider

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
    credentials: Mapping[str, str] | None = None  # boto3's keyword arguments; None: the environment's

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.settings.region, self.credentials)

    @cached_property
    def tables(self) -> Tables:
        return bind_tables(self.settings.prefix, self.settings.region, self.credentials)

    @cached_property
    def parameters(self) -> SSMProvider:
        """Powertools' SSM provider on these services' own client (so their credentials), its cache theirs."""
        return SSMProvider(boto3_client=self.clients.ssm)

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
        return secure_key(self.settings.jwt_key_parameter, self.parameters)

    def dedupe_key(self) -> bytes:
        return secure_key(self.settings.dedupe_key_parameter, self.parameters)

    def id_hash_key(self) -> bytes:
        return secure_key(self.settings.id_hash_key_parameter, self.parameters)


class _Holder:
    current: Services | None = None


_running: ContextVar[Services | None] = ContextVar("running", default=None)


def services() -> Services:
    """The services of the function running in this context (the local stack), else the process's,
    made from the environment on first use."""
    scoped = _running.get()
    if scoped is not None:
        return scoped
    if _Holder.current is None:
        _Holder.current = Services(settings=Settings.from_env(), clock=system_clock)
    return _Holder.current


def process_services() -> Services:
    """The process's services, whichever function runs in this context (the local stack derives
    each function's from them)."""
    token = _running.set(None)
    try:
        return services()
    finally:
        _running.reset(token)


def use_services(replacement: Services | None) -> None:
    """Put `replacement` in place (None: make them again from the environment on next use)."""
    _Holder.current = replacement


@contextmanager
def running_as(scoped: Services) -> Iterator[Services]:
    """`services()` answers `scoped` within this block, in this context only."""
    token = _running.set(scoped)
    try:
        yield scoped
    finally:
        _running.reset(token)
