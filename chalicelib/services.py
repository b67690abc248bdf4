"""The wiring of one process: settings, clients, tables and clock, made once and injectable.

Handlers ask `services()`; tests call `use_services(...)` to put their own in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from chalicelib.aws.clients import Clients
from chalicelib.aws.config import Settings
from chalicelib.domain.clock import Clock, system_clock
from chalicelib.local.clock_file import file_clock
from chalicelib.store.models import Tables, bind_tables


@dataclass
class Services:
    settings: Settings
    clock: Clock

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.settings.region)

    @cached_property
    def tables(self) -> Tables:
        return bind_tables(self.settings.prefix, self.settings.region)


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
