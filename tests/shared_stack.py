"""One stack per test process: built once in in-process moto, put back as built after each test.

Building infra/resources.yaml through moto's CloudFormation costs seconds; most tests need the stack
only as a place to write. So the first test that asks for it builds it (as `make run` does, with
IAM enforced), `baseline()` notes what moto then holds, and `restore()` puts it back after each
test: every registry of every backend (tables, queues, topics, subscriptions, roles, users, keys …)
as it was, and the data inside the stack's own resources emptied (table items and stream records,
object versions and uploads, queue messages, SSM values, Cognito users, sessions and tokens, SNS's
recorded SMS and sent notifications, log events). Backends first used by a test are dropped whole.
moto's IAM (the operator, and the packaged policy on each function's role, made again per test by
`functions`) stays enforced throughout.

Between tests moto's patching is off (`mock_aws` stopped without removing data), so a test that
starts a moto of its own, or talks to a moto server (tests/e2e), sees none of this. A test's own
`mock_aws` wipes every backend when it starts: the next test then finds the stack gone and builds it
again (`alive()`).

`census()` counts every container moto reachably holds: the shared `stack` fixture compares it with
the built stack's after each restore when BHXH_CHECK_RESET=1, and tests/test_suite.py does so
after a day's traffic, so that a kind of state the restore forgets fails a test.
"""

from __future__ import annotations

import contextlib
import copy
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID, enable_iam_authentication
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.common_models import BaseModel

from local.moto import iam as moto_iam
from local.stack.resources import STACK, LocalStack, create_stack

Backends = dict[tuple[int, str, str], BaseBackend]  # (id of its BackendDict, account, region) -> backend


def _backends() -> Backends:
    return {
        (id(family), account, region): backend
        for family in BackendDict._instances
        for account, regional in family.items()
        for region, backend in regional.items()
    }


def _resources(backend: BaseBackend) -> dict[int, tuple[BaseModel, dict[str, Any]]]:
    """The attributes of each resource in the backend's registries (a pool's MFA setting, a queue's
    attributes …), shallow-copied: a test may change them."""
    return {
        id(resource): (resource, dict(vars(resource)))
        for registry in vars(backend).values()
        if isinstance(registry, dict)
        for resource in registry.values()
        if isinstance(resource, BaseModel)
    }


def _registries(backend: BaseBackend) -> dict[str, Any]:
    """The backend's own containers (its registries of resources), shallow-copied."""
    saved: dict[str, Any] = {}
    for name, value in vars(backend).items():
        if isinstance(value, dict):
            saved[name] = dict(value)
        elif isinstance(value, list):
            saved[name] = list(value)
        elif isinstance(value, set):
            saved[name] = set(value)
    return saved


def _put_back(backend: BaseBackend, saved: dict[str, Any]) -> None:
    """In place: moto's objects keep their references to the backend's containers."""
    for name, value in saved.items():
        current = getattr(backend, name)
        if isinstance(current, dict):
            if current.keys() != value.keys() or any(current[k] is not v for k, v in value.items()):
                current.clear()
                current.update(value)
        elif isinstance(current, list):
            current[:] = value
        else:
            current.clear()
            current |= value


@dataclass
class _Baseline:
    backends: Backends
    registries: dict[tuple[int, str, str], dict[str, Any]]
    resources: dict[tuple[int, str, str], dict[int, tuple[BaseModel, dict[str, Any]]]]
    families: list[BackendDict]
    ssm: dict[tuple[int, str, str], dict[str, list[Any]]] = field(default_factory=dict)
    messages: dict[str, list[Any]] = field(default_factory=dict)  # by queue ARN: S3's test event on ingest
    bucket_accounts: dict[str, str] = field(default_factory=dict)
    census: dict[str, int] = field(default_factory=dict)


class SharedStack:
    """The process's stack: `use()` for one test, restored after it."""

    def __init__(self, operator: Callable[[], Any]) -> None:
        self._operator = operator  # the operator's boto3 session
        self._mock = mock_aws(config={"core": {"mock_credentials": False}})  # keep `testing`: the operator's key
        self._stack: LocalStack | None = None
        self._baseline: _Baseline | None = None
        self.builds = 0  # how many times it was built (a test's own mock_aws makes the next build again)

    @contextlib.contextmanager
    def use(self, check: bool = False) -> Iterator[LocalStack]:
        """The built stack for one test, IAM enforced; afterwards moto holds what it held when built
        (with `check`, says what it does not)."""
        from moto.core.custom_responses_mock import reset_responses_mock
        from moto.core.models import responses_mock

        moto_iam.install()
        reset_responses_mock(responses_mock)  # what start(reset=True) does: else its routes pile up per test
        self._mock.start(reset=False)
        try:
            with enable_iam_authentication():
                if self._stack is None or not self.alive():
                    self._build()
                assert self._stack is not None
                try:
                    yield self._stack
                finally:
                    self.restore()
                    if check:
                        self.check()
        finally:
            self._mock.stop(remove_data=False)

    def alive(self) -> bool:
        """Whether moto still holds the stack (a test's own `mock_aws` wipes everything)."""
        from moto.cloudformation.models import cloudformation_backends
        from moto.iam.models import iam_backends

        region = self._operator().region_name
        stacks = cloudformation_backends[DEFAULT_ACCOUNT_ID][region].stacks.values()
        operator = iam_backends[DEFAULT_ACCOUNT_ID]["aws"].users.get(moto_iam.OPERATOR)
        return operator is not None and any(s.name == STACK for s in stacks)

    def _build(self) -> None:
        from moto.core.model_instances import reset_model_data

        BackendDict.reset()  # not the mock's reset: that would drop the routes `start` gave `requests`
        reset_model_data()
        moto_iam.create_operator(DEFAULT_ACCOUNT_ID)
        self._stack = create_stack(self._operator())
        self.builds += 1
        self._baseline = self._note()

    def _note(self) -> _Baseline:
        from moto.s3.models import s3_backends
        from moto.sqs.models import SQSBackend
        from moto.ssm.models import SimpleSystemManagerBackend

        backends = _backends()
        baseline = _Baseline(
            backends=backends,
            registries={key: _registries(backend) for key, backend in backends.items()},
            resources={key: _resources(backend) for key, backend in backends.items()},
            families=list(BackendDict._instances),
            bucket_accounts=dict(s3_backends.bucket_accounts),
        )
        for key, backend in backends.items():
            if isinstance(backend, SimpleSystemManagerBackend):
                baseline.ssm[key] = {name: list(versions) for name, versions in backend._parameters.items()}
            if isinstance(backend, SQSBackend):
                for queue in backend.queues.values():
                    baseline.messages[queue.queue_arn] = copy.deepcopy(queue._messages)
        baseline.census = census()
        return baseline

    def restore(self) -> None:
        """Put moto back as the stack was built: see the module's docstring for what that covers."""
        from moto.core.model_instances import reset_model_data
        from moto.s3.models import FakeKey, FakeMultipart, s3_backends

        baseline = self._baseline
        assert baseline is not None
        for key, backend in _backends().items():
            if baseline.backends.get(key) is not backend:
                backend.reset()  # first used by the test: gone, made again when next asked for
                del _family_of(key)[key[1]][key[2]]
                continue
            _put_back(backend, baseline.registries[key])
            for resource, attributes in baseline.resources[key].values():
                if vars(resource) != attributes:
                    vars(resource).clear()
                    vars(resource).update(attributes)
            _empty(backend, baseline)
        for family in list(BackendDict._instances):
            if family not in baseline.families:
                family.clear()
                BackendDict._instances.remove(family)
        _put_back_dict(s3_backends.bucket_accounts, baseline.bucket_accounts)
        for model in (FakeKey, FakeMultipart):  # their temporary files, before moto forgets them
            for instance in model.instances_tracked:  # type: ignore[attr-defined]
                instance.dispose()
        reset_model_data()  # moto's list of every model ever made (its data.json): not needed here

    def check(self) -> None:
        """Fails when moto holds more or less than when the stack was built."""
        assert self._baseline is not None
        now = census()
        changed = {
            path: (self._baseline.census.get(path), now.get(path))
            for path in self._baseline.census.keys() | now.keys()
            if self._baseline.census.get(path) != now.get(path)
        }
        assert not changed, f"moto after the restore differs from the built stack: {sorted(changed.items())[:20]}"


def _family_of(key: tuple[int, str, str]) -> BackendDict:
    return next(family for family in BackendDict._instances if id(family) == key[0])


def _put_back_dict(current: dict[str, Any], saved: dict[str, Any]) -> None:
    if current != saved:
        current.clear()
        current.update(saved)


def _empty(backend: BaseBackend, baseline: _Baseline) -> None:
    """The data inside the stack's own resources, as it was built: empty, but for SSM's keys and the
    test event S3 put on the ingest queue when its notification was set."""
    for empty in _EMPTIERS.get(type(backend).__module__.split(".")[1], ()):
        empty(backend)
    for key, ssm in baseline.ssm.items():
        if baseline.backends[key] is backend:
            parameters = backend._parameters  # type: ignore[attr-defined]
            for name, versions in ssm.items():
                if parameters[name] != versions:
                    parameters[name][:] = versions
    for queue in getattr(backend, "queues", {}).values():
        if queue.queue_arn in baseline.messages:
            queue._messages = copy.deepcopy(baseline.messages[queue.queue_arn])


def _dynamodb(backend: Any) -> None:
    for table in backend.tables.values():
        if any(table.items.values()) or table.items:
            table.items = defaultdict(dict)
        if table.stream_shard is not None and table.stream_shard.items:
            table.stream_shard.items = []


def _s3(backend: Any) -> None:
    from moto.s3.models import MultipartDict
    from moto.s3.utils import _VersionedKeyStore

    for bucket in backend.buckets.values():
        if bucket.keys:
            bucket.keys = _VersionedKeyStore()
        if bucket.multiparts:
            bucket.multiparts = MultipartDict()


def _sqs(backend: Any) -> None:
    for queue in backend.queues.values():
        queue._pending_messages = set()
        queue.deleted_messages = set()


def _sns(backend: Any) -> None:
    for topic in backend.topics.values():
        if topic.sent_notifications:
            topic.sent_notifications = []


def _cognito(backend: Any) -> None:
    for pool in backend.user_pools.values():
        pool.users.clear()
        pool.refresh_tokens.clear()
        pool.access_tokens.clear()
        pool.id_tokens.clear()
        for group in pool.groups.values():
            group.users.clear()


def _logs(backend: Any) -> None:
    for group in backend.groups.values():
        if group.streams:
            group.streams = {}


_EMPTIERS: dict[str, tuple[Callable[[Any], None], ...]] = {
    "dynamodb": (_dynamodb,),
    "s3": (_s3,),
    "sqs": (_sqs,),
    "sns": (_sns,),
    "cognitoidp": (_cognito,),
    "logs": (_logs,),
}


def census() -> dict[str, int]:
    """The size of every container moto reachably holds, by path (`sqs/…/queues/<name>/_messages`):
    what must match the built stack's after a restore."""
    counts: dict[str, int] = {}
    seen: set[int] = set()

    def walk(value: Any, path: str, depth: int) -> None:
        if id(value) in seen or depth > 8:
            return
        if isinstance(value, dict):
            seen.add(id(value))
            counts[path] = len(value)
            for k, v in value.items():
                walk(v, f"{path}/{k}", depth + 1)
        elif isinstance(value, list | set | tuple) and not isinstance(value, str):
            seen.add(id(value))
            counts[path] = len(value)
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", depth + 1)
        elif isinstance(value, BaseModel | BaseBackend):
            seen.add(id(value))
            for name, attribute in vars(value).items():
                walk(attribute, f"{path}.{name}", depth + 1)

    for (_, account, region), backend in sorted(_backends().items(), key=lambda kv: repr(kv[0][1:])):
        walk(backend, f"{type(backend).__module__.split('.')[1]}/{account}/{region}", 0)
    return counts
