"""The wiring of one process: settings, clock, clients, tables, keys and the SMS provider, each made
once on first use and injectable. Flows take a `Services` (`svc`) first; store functions take its
`tables`; the domain takes plain values.

Handlers ask `services()`; tests and the local stack call `use_services(...)` to put their own in place
(the local stack's movable clock, in-process moto). Only aws/, store/ and domain/ are imported here.

In Lambda a process is one function and its credentials are its role's, from the environment. The
local stack and the tests run every function in one process, each under its own role's credentials
(local/stack/functions.py): they run a handler inside `running_as(its services)`, which `services()`
answers within that context only (a context variable: the API's threads and the event pump never
see each other's).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities.parameters import SSMProvider

from chalicelib.aws.clients import Clients
from chalicelib.aws.lanes import LaneQueues
from chalicelib.aws.pacing import Pacer
from chalicelib.aws.secrets import secure_key
from chalicelib.aws.settings import Settings
from chalicelib.aws.sms import SmsProvider, SnsSms
from chalicelib.domain.clock import Clock, system_clock
from chalicelib.domain.lanes import Lane
from chalicelib.store.models import Tables, bind_tables

if TYPE_CHECKING:  # imported where used: only the API checks staff tokens (PyJWT), only ticks use idempotency
    from chalicelib.aws.cognito import Fetch, StaffKeys, StaffPool, StaffSessions
    from chalicelib.aws.idempotency import Idempotency


@dataclass
class Services:
    settings: Settings
    clock: Clock
    sleep: Callable[[float], None] = time.sleep  # retries' backoff waits: tests record them instead
    monotonic: Callable[[], float] = time.monotonic  # how old a sender's read of a batch's state is
    jwks_fetch: Fetch | None = None  # how the staff pool's keys are read (None: Cognito; the local stack: moto)
    credentials: Mapping[str, str] | None = None  # boto3's keyword arguments; None: the environment's
    _pacers: threading.local = field(default_factory=threading.local, repr=False)

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
        from chalicelib.aws.cognito import StaffPool

        s = self.settings
        if not (s.staff_pool_id and s.staff_client_id):
            return None
        return StaffPool(region=s.region, pool_id=s.staff_pool_id, client_id=s.staff_client_id)

    @cached_property
    def staff_keys(self) -> StaffKeys | None:
        from chalicelib.aws.cognito import StaffKeys, https_get

        pool = self.staff_pool
        return StaffKeys(pool.jwks_url, self.jwks_fetch or https_get) if pool else None

    @cached_property
    def staff_sessions(self) -> StaffSessions:
        """Whether a staff sign-in still stands (not signed out, not disabled): asked of Cognito."""
        from chalicelib.aws.cognito import StaffSessions

        return StaffSessions(self.clients.cognito)

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
        """Signs and checks the lookup API's tokens (api/tokens.py): only the API reads it."""
        return secure_key(self.settings.jwt_key_parameter, self.parameters)

    def otp_key(self) -> bytes:
        """Derives OTP codes (domain/otp.py): the API to check one, the sender to render it. A key
        of its own: the sender, which must render codes, may not read the tokens' signing key."""
        return secure_key(self.settings.otp_key_parameter, self.parameters)

    def dedupe_hash_key(self) -> bytes:
        """Keys the hash that turns a notice's `dedupe_key` into its outbox id, and a flagged fact
        into its case id (SSM `dedupe-key`, never rotated: docs/deploy.md)."""
        return secure_key(self.settings.dedupe_key_parameter, self.parameters)

    def id_hash_key(self) -> bytes:
        """Keys the hash of ID numbers kept instead of the numbers (domain/id_hash.py)."""
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
