"""The app's Lambda functions as the local stack and the tests run them: each under its own role.

One mechanism for every caller: the event pump invokes `handler(name)` and polls a function's queue
or stream with `session(name)` (Lambda's event source mappings poll with the function's role), the
API server and `chalice.test.Client` serve `http_app()` (the `api_handler` function), and tests
invoke `handler(name)` too. Inside, `services()` answers services whose clients and tables carry
that function's credentials (chalicelib/services.py `running_as`); with moto's IAM enforcement on
(local/moto/iam.py) every call is then allowed or refused by the function's packaged
policy alone (local/stack/access.py). No function is named here: the functions are the app's.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalice import Chalice

from chalicelib.aws.clients import make_client
from chalicelib.services import Services, running_as
from local.moto.faults import active
from local.stack.access import FunctionAccess

Handler = Callable[[dict[str, Any], Any], Any]
API = "api_handler"  # the function `chalice package` makes of every route


class LocalFunctions:
    def __init__(self, app: Chalice, access: FunctionAccess, base: Callable[[], Services]) -> None:
        self._app = app
        self._access = access
        self._base = base  # the process's services: settings and clock (a test may swap either)
        self._services: dict[str, tuple[Any, Any, Services]] = {}  # settings, clock, services

    @property
    def access(self) -> FunctionAccess:
        return self._access

    def names(self) -> list[str]:
        """Every function `chalice package` makes of the app: its event handlers, its pure Lambda
        functions and, when it has routes, the API's."""
        names = {s.name for s in self._app.event_sources} | {f.name for f in self._app.pure_lambda_functions}
        return sorted(names | ({API} if self._app.routes else set()))

    def services(self, name: str) -> Services:
        """The function's services: the process's settings and clock, its own credentials. Made again
        when a test puts other settings or another clock in place."""
        base = self._base()
        made = self._services.get(name)
        if made is None or made[0] is not base.settings or made[1] is not base.clock:
            scoped = replace(base, credentials=self._access.credentials(name).as_kwargs())
            self._services[name] = made = (base.settings, base.clock, scoped)
        return made[2]

    def client(self, name: str, service: str) -> Any:
        """A client with the function's credentials (what Lambda polls its sources with)."""
        credentials = self._access.credentials(name).as_kwargs()
        return make_client(service, self._base().settings.region, credentials=credentials)

    def as_function(self, name: str) -> AbstractContextManager[Services]:
        """Run a block as the function `name` (for calling a flow below its handler)."""
        return running_as(self.services(name))

    def invoke(self, name: str, event: Any, context: Any = None) -> Any:
        from local.pump.lambda_events import LocalContext

        services = self.services(name)  # Lambda's role is there before the code runs: outside the faults
        with invocation(name), running_as(services):
            return self._app.handler_map[name](event, context or LocalContext(name))

    def tick(self, name: str, at: datetime) -> Any:
        """Invoke a scheduled function with EventBridge's event for its occurrence `at`."""
        from local.pump.lambda_events import scheduled_event

        return self.invoke(name, scheduled_event(f"arn:aws:events:local:rule/{name}", at))

    def handler(self, name: str) -> Handler:
        def run(event: dict[str, Any], context: Any) -> Any:
            return self.invoke(name, event, context)

        return run

    def local_server(self, config: Any, host: str, port: int, handler_cls: Any = None) -> Any:
        """Chalice's local API server for `http_app()`. Like `chalice.local.create_local_server`, it
        makes the app keep `current_request` per thread first (the server answers in threads);
        that is done to the app itself, not to the wrapper, whose calls must stay its own.
        `handler_cls` replaces Chalice's request handler (`make run`'s masked request log)."""
        from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer

        if not isinstance(self._app, LocalChalice):
            CustomLocalChalice.__bases__ = (LocalChalice, self._app.__class__)
            self._app.__class__ = CustomLocalChalice
        return LocalDevServer(self.http_app(), config, host, port, handler_cls=handler_cls or ChaliceRequestHandler)

    def http_app(self) -> Any:
        """The app as API Gateway's one function serves it: every request runs as `api_handler`."""
        return _AsFunction(self._app, self, API)


def invocation(name: str) -> AbstractContextManager[None]:
    """One invocation of `name`: under the fault mode (local/moto/faults.py) its calls may fail and it may die."""
    faults = active()
    return faults.invocation(name) if faults else nullcontext()


class _AsFunction:
    """The Chalice app, each call inside its function's credentials; everything else is the app's
    (chalice.local.LocalGateway and chalice.test read `routes`, `api`, …)."""

    def __init__(self, app: Chalice, functions: LocalFunctions, name: str) -> None:
        self._app = app
        self._functions = functions
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._app, attribute)

    @property
    def handler_map(self) -> dict[str, Any]:
        """The app's handlers, each event function's under its own role (chalice.test's `lambda_`)."""
        names = set(self._functions.names())
        return {n: self._functions.handler(n) if n in names else h for n, h in self._app.handler_map.items()}

    def __call__(self, event: Any, context: Any) -> Any:
        services = self._functions.services(self._name)  # made before the invocation, as Lambda's role
        with invocation(self._name), running_as(services):
            return self._app(event, context)
