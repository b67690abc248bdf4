"""Fault mode for the local stack and the tests (`BHXH_FAULTS`): AWS failing as it really does.

`BHXH_FAULTS=<call rate>[,<kill rate>]` (e.g. `0.05,0.01`; off when unset or 0) and
`BHXH_FAULTS_SEED=<int>` (random when unset). Inside a function's invocation (local/stack/functions.py),
that share of every AWS call the function makes fails, at random, with what AWS answers:

- an error answer, before anything happened: throttling (DynamoDB's
  `ProvisionedThroughputExceededException` and `ThrottlingException`, SNS's `Throttling`, S3's
  `SlowDown`, SQS's `RequestThrottled`, SSM's `ThrottlingException`), `InternalError` /
  `InternalServerError` (500), `ServiceUnavailable` (503). botocore parses and retries it as it would
  AWS's (each client's own retry configuration);
- a read timeout **after the call took effect**: the request is sent, its answer dropped, and
  botocore's `ReadTimeoutError` raised (which botocore retries: a second write, as in AWS).

And that share of invocations is killed at a random point: after a random number of its AWS calls
(before or after the call took effect), or at its end when it made fewer (the work done, the answer
lost). A killed invocation makes no further call; `LocalFunctions.invoke` raises `Killed`, which
the pump treats as Lambda treats a crash: the SQS messages come back, the stream batch is retried.

It is a botocore event hook (`before-send`) on every client made while it is installed: PynamoDB's
and boto3's alike. Calls made outside an invocation (the pump's polling, the stack's set-up, a
test's own reads) are never touched. Only `local/` has it: nothing of it is in the Lambda zip.
"""

from __future__ import annotations

import contextlib
import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

LATEST_KILL_CALL = 40  # a killed invocation dies after 0..this many calls (at its end if it made fewer)
TIMEOUT = "ReadTimeout"  # the fault whose call took effect and whose answer was lost
FAULTS: Mapping[str, tuple[tuple[int, str], ...]] = {  # service id → (status, error code) AWS answers
    "dynamodb": (
        (400, "ProvisionedThroughputExceededException"),
        (400, "ThrottlingException"),
        (500, "InternalServerError"),
        (503, "ServiceUnavailable"),
    ),
    "sns": ((400, "Throttling"), (500, "InternalError"), (503, "ServiceUnavailable")),
    "s3": ((503, "SlowDown"), (500, "InternalError"), (503, "ServiceUnavailable")),
    "sqs": ((400, "RequestThrottled"), (500, "InternalError"), (503, "ServiceUnavailable")),
    "ssm": ((400, "ThrottlingException"), (500, "InternalServerError")),
}
OTHER: tuple[tuple[int, str], ...] = ((500, "InternalError"), (503, "ServiceUnavailable"))
NOWHERE = "http://fault.invalid/"  # where an answered-by-fault request points (in-process moto ignores it)


class InvocationKilled(BaseException):
    """The invocation's process died: a BaseException, so no `except Exception` in the app swallows it."""


class Killed(RuntimeError):
    """What the pump sees of a killed invocation (LocalFunctions.invoke raises it)."""


@dataclass(frozen=True)
class FaultRates:
    calls: float = 0.0
    kills: float = 0.0
    seed: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FaultRates | None:
        """`BHXH_FAULTS=<calls>[,<kills>]`, `BHXH_FAULTS_SEED`; None when off."""
        raw = env.get("BHXH_FAULTS", "").strip()
        if not raw:
            return None
        try:
            parts = [float(p) for p in raw.split(",")]
        except ValueError:
            parts = []
        if not 1 <= len(parts) <= 2 or not all(0.0 <= p <= 1.0 for p in parts):
            raise ValueError(f"BHXH_FAULTS must be '<call rate>[,<kill rate>]', each 0..1: {raw!r}")
        seed = int(env["BHXH_FAULTS_SEED"]) if env.get("BHXH_FAULTS_SEED") else None
        rates = cls(parts[0], parts[1] if len(parts) > 1 else 0.0, seed)
        return rates if rates.calls or rates.kills else None


@dataclass
class _Invocation:
    name: str
    kill_at: int | None  # the call after which (or before which) it dies; None: it lives
    kill_after_effect: bool
    calls: int = 0
    killed: bool = False


_current: ContextVar[_Invocation | None] = ContextVar("fault_invocation", default=None)


@dataclass
class Faults:
    """One per process: the random source, what was injected (`counts`), the installed hook."""

    rates: FaultRates
    counts: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.rates.seed)
        self._http: Any = None
        self._original: Any = None

    def _draw(self) -> float:
        with self._lock:
            return self._random.random()

    def _choice(self, options: tuple[Any, ...]) -> Any:
        with self._lock:
            return self._random.choice(options)

    # -- where it hooks in
    def attach(self, client: Any) -> Any:
        """Register the hook on one client (first, before in-process moto's own `before-send`)."""
        protocol = client.meta.service_model.protocol
        client.meta.events.register_first("before-send", partial(self._before_send, protocol=protocol))
        return client

    def install(self) -> None:
        """Every botocore client made from now on in this process gets the hook."""
        import botocore.session

        if self._original is not None:
            return
        self._original = original = botocore.session.Session.create_client
        faults = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            return faults.attach(original(session, *args, **kwargs))

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def uninstall(self) -> None:
        import botocore.session

        if self._original is not None:
            botocore.session.Session.create_client = self._original  # type: ignore[method-assign]
            self._original = None

    @contextlib.contextmanager
    def invocation(self, name: str) -> Iterator[None]:
        """One invocation of function `name`: its calls may fail, and it may be killed."""
        dies = self.rates.kills > 0 and self._draw() < self.rates.kills
        kill_at = self._choice(tuple(range(LATEST_KILL_CALL + 1))) if dies else None
        state = _Invocation(name, kill_at, dies and self._draw() < 0.5)
        token = _current.set(state)
        try:
            yield
            if state.kill_at is not None and not state.killed:  # fewer calls than drawn: dies at its end
                state.killed = True
                self.counts["killed at the end"] += 1
                raise InvocationKilled(name)
        except InvocationKilled as exc:
            raise Killed(f"{name} was killed after {state.calls} AWS call(s) (fault mode)") from exc
        finally:
            _current.reset(token)

    # -- the hook
    def _before_send(self, request: Any, event_name: str, protocol: str, **_: Any) -> AWSResponse | None:
        state = _current.get()
        if state is None:
            return None
        if state.killed:
            raise InvocationKilled(state.name)
        state.calls += 1
        if state.kill_at is not None and state.calls > state.kill_at:
            state.killed = True
            if state.kill_after_effect:
                self._send(request, event_name)
            self.counts["killed at a call"] += 1
            raise InvocationKilled(state.name)
        if self.rates.calls <= 0 or self._draw() >= self.rates.calls:
            return None
        service = event_name.split(".")[1]
        status, code = self._choice((*FAULTS.get(service, OTHER), (0, TIMEOUT)))
        self.counts[f"{service} {code}"] += 1
        if code == TIMEOUT:
            self._send(request, event_name)
            raise ReadTimeoutError(endpoint_url=request.url, error="Read timed out (fault mode)")
        request.url = NOWHERE
        return error_response(protocol, status, code, service)

    def _send(self, request: Any, event_name: str) -> None:
        """The request as botocore would have sent it (to in-process moto when it is on); answer dropped."""
        try:
            from moto.core.models import botocore_stubber
        except ImportError:  # pragma: no cover - moto is always there in development
            botocore_stubber = None
        if botocore_stubber is not None and botocore_stubber.enabled:
            botocore_stubber(event_name=event_name, request=request)
            return
        if self._http is None:
            from botocore.httpsession import URLLib3Session

            self._http = URLLib3Session()
        self._http.send(request)


def error_response(protocol: str, status: int, code: str, service: str) -> AWSResponse:
    """AWS's error answer in the service's protocol, as botocore's parsers read it."""
    request_id = str(uuid.uuid4())
    message = f"{code} (fault mode)"
    if protocol in ("json", "smithy-rpc-v2-cbor") or protocol.startswith("json"):
        body = f'{{"__type": "com.amazonaws.{service}#{code}", "message": "{message}"}}'.encode()
        headers = {"x-amzn-RequestId": request_id, "Content-Type": "application/x-amz-json-1.0"}
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
        body = body.encode()
        headers = {"x-amz-request-id": request_id, "Content-Type": "application/xml"}
    else:  # query, ec2
        kind = "Sender" if status < 500 else "Receiver"
        body = (
            f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers = {"x-amzn-RequestId": request_id, "Content-Type": "text/xml"}
    return AWSResponse(NOWHERE, status, headers, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


_process: list[Faults] = []


def from_env(env: Mapping[str, str]) -> Faults | None:
    """The process's fault mode from the environment, installed (once), or None when off."""
    if _process:
        return _process[0]
    rates = FaultRates.from_env(env)
    if rates is None:
        return None
    faults = Faults(rates)
    faults.install()
    _process.append(faults)
    return faults


def active() -> Faults | None:
    return _process[0] if _process else None
