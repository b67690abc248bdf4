"""The wiring of one process: settings, clients, tables and clock, made once and injectable.

Handlers ask `services()`; tests call `use_services(...)` to put their own in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from chalicelib.aws.clients import Clients
from chalicelib.aws.cognito import Fetch, StaffKeys, StaffPool, https_get
from chalicelib.aws.config import Settings
from chalicelib.domain.clock import Clock, system_clock
from chalicelib.local.clock_file import file_clock
from chalicelib.store.models import Tables, bind_tables


@dataclass
class Services:
    settings: Settings
    clock: Clock
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


class _Holder:
    current: Services | None = None


def services() -> Services:
    """The process's services, made from the environment on first use."""
    if _Holder.current is None:
        settings = Settings.from_env()
        clock = file_clock(settings.clock_file) if settings.clock_file else system_clock
        _Holder.current = Services(settings=settings, clock=clock)
    return _Holder.current


def use_services(replacement: Services | None) -> None:
    """Put `replacement` in place (None: make them again from the environment on next use)."""
    _Holder.current = replacement
