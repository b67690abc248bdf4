"""Ingest a batch file of any size, in steps no one invocation has to finish alone.

An upload's S3 event is admitted (ingest/upload.py), then its file is cut into chunks at record
boundaries; every chunk is checked (the first pass: UTF-8, CSV, the caps) before any is written (the
second pass); when the last piece is written the report is assembled (ingest/finish.py). Each step
is one message on the ingest queue and one invocation; a step that leads to one other goes on in
the same invocation while time allows, so a small file is still taken in one invocation, and a step
that leads to many (a chunk each) sends them to the queue, where they run in parallel. The file's
item in `files` is its counter and its progress (store/files.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from importlib import import_module

from chalicelib.domain.deadline import NEVER, Deadline
from chalicelib.ingest import upload
from chalicelib.ingest.tasks import Task
from chalicelib.services import Services

Send = Callable[[list[Task]], None]

# Each step's module (and what it needs: the kinds, the writer, the report) is imported when a step
# of it first runs, not at the function's cold start: an invocation given one chunk to check loads
# no report code, one admitting an upload no row parsing (bench/coldstart.py).
_STEPS = {
    "plan": ("upload", "plan"),
    "check": ("pieces", "check"),
    "write": ("pieces", "write"),
    "finish": ("finish", "finish"),
}


def run(svc: Services, task: Task, deadline: Deadline) -> list[Task]:
    """One step; the steps it leads to."""
    if task.step == "admit":
        return upload.admit(svc, task.bucket, task.upload.file, task.upload.version, task.upload.seq)
    module, step = _STEPS[task.step]
    return getattr(import_module(f"chalicelib.ingest.{module}"), step)(svc, task, deadline)


def run_all(svc: Services, tasks: Iterable[Task], deadline: Deadline, send: Send) -> None:
    """The steps, and the one step a step leads to when it is the next kind of step (a one-chunk
    file's check, write, finish) while the invocation has time; the rest go to the queue. So no
    invocation writes more than one chunk's rows."""
    queue = deque(tasks)
    while queue:
        task = queue.popleft()
        follow = run(svc, task, deadline)
        if len(follow) == 1 and not queue and follow[0].step != task.step and deadline.roomy():
            queue.append(follow[0])
        elif follow:
            send(follow)


def ingest_object(
    svc: Services, bucket: str, key: str, *, version: str | None = None, sequencer: str | None = None
) -> None:
    """The whole of one upload in this call, every step in order, no queue and no deadline: the
    single-invocation baseline of bench/ingest_scale.py, and a tool for tests."""
    queue = deque(upload.admit(svc, bucket, key, version, sequencer))
    while queue:
        queue.extend(run(svc, queue.popleft(), NEVER))
