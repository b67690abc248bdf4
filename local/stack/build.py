"""The one builder of the local service on a created stack: every function of the app under its own
role, and the event pump wired to them. `make run` (local/__main__.py) and the tests' fixtures
(tests/conftest.py) both call `build_local`, so the tests run the functions as `make run` does; the
e2e tests and the benches that start the stack run `python -m local`, which calls it too."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalice import Chalice

from chalicelib.domain.clock import Clock
from chalicelib.services import Services, process_services
from local.moto import patches
from local.pump.event_pump import EventPump
from local.stack.access import FunctionAccess
from local.stack.functions import LocalFunctions
from local.stack.references import StackReferences
from local.stack.resources import LocalStack
from local.stack.wiring import build_pump


@dataclass
class LocalService:
    """The app's functions on the stack, and (made on first use) the pump that invokes them."""

    app: Chalice
    session: Any  # the operator's: the pump's SNS, CloudWatch Logs and EventBridge plumbing
    stack: LocalStack
    functions: LocalFunctions
    clock: Clock
    moto_url: str | None
    _pump: EventPump | None = field(default=None, repr=False)

    @property
    def pump(self) -> EventPump:
        """Made when first asked for: a test that only invokes functions subscribes no topic queue."""
        if self._pump is None:
            self._pump = build_pump(
                self.app, self.session, self.stack, clock=self.clock, moto_url=self.moto_url, functions=self.functions
            )
        return self._pump


def build_local(
    app: Chalice,
    session: Any,
    stack: LocalStack,
    *,
    clock: Clock,
    moto_url: str | None,
    prefix: str,
    policies: Mapping[str, Mapping[str, Any]] | None = None,
    base: Callable[[], Services] = process_services,
) -> LocalService:
    """`moto_url`: the moto server's (`make run`), or None for in-process moto (the tests). `policies`:
    each function's packaged document (a test may take a statement out); `base`: the process's
    services, whose settings and clock every function's services share."""
    patches.apply(moto=moto_url is None)  # in-process moto answers here; a server has its own
    references = StackReferences(session, stack.resources, {"Stage": stack.stage}, stack.references)
    access = FunctionAccess(session, references, prefix=prefix, policies=policies)
    functions = LocalFunctions(app, access, base)
    return LocalService(app, session, stack, functions, clock, moto_url)
