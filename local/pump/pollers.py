"""A queue event source with a maximum concurrency, played locally: the sending lanes, the ingest queue.

Lambda polls such a queue with its own pollers and invokes at most MaximumConcurrency instances of
the function at once. Locally each instance is a worker thread. moto's SQS cannot hold the backlog
itself: every SendMessage, ReceiveMessage and DeleteMessage there walks the whole queue (measured on
this machine: one SendMessageBatch 23 ms with 200 messages waiting, 434 ms with 2,000; a receive and
delete 1.4 s), so a backlog of 20,000 would stall the stack. So an intake thread takes the messages
off the queue as they arrive (the queue stays a few messages deep) and the backlog waits here, in
arrival order, for the workers. A message whose invocation fails (or that the function reports
failed) is offered again 2 seconds later, and after the queue's maxReceiveCount receives goes to its
dead-letter queue, as SQS's redrive would. moto keeps everything in memory: stopping the stack loses
the backlog either way.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local.pump.invoke import Handler, invoke  # Lambda's clock: an invocation past its timeout failed
from local.pump.lambda_events import sqs_event

RETRY_AFTER_S = 2.0


@dataclass
class Waiting:
    message: dict[str, Any]
    receives: int = 0
    not_before: float = 0.0


class QueuePoller:
    def __init__(
        self,
        sqs: Any,
        *,
        redrive: Any,
        url: str,
        arn: str,
        handler: Handler,
        name: str,
        batch_size: int,
        concurrency: int,
        stop: threading.Event,
        echo: Callable[[str], None],
        prepare: Callable[[dict[str, Any]], None] = lambda message: None,
        after: Callable[[], None] | None = None,
    ) -> None:
        self._sqs = sqs  # the function's own client: Lambda's pollers receive and delete with its role
        self._redrive_sqs = redrive  # SQS's own redrive to the dead-letter queue (the operator's client)
        self.url, self.arn, self.name = url, arn, name
        self._handler = handler
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._stop = stop
        self._echo = echo
        self._prepare = prepare  # what the pump does to each message it receives (S3's version ids)
        self._after = after  # what the pump runs after each invocation (the console's line per file)
        self._after_lock = threading.Lock()  # the workers' hooks, one at a time
        self._waiting: deque[Waiting] = deque()
        self._ready = threading.Condition()
        self._max_receives, self._dlq_url = self._redrive()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        self.threads = [threading.Thread(target=self._intake, name=f"{self.name}-intake", daemon=True)]
        self.threads += [
            threading.Thread(target=self._work, name=f"{self.name}-{n}", daemon=True) for n in range(self._concurrency)
        ]
        for thread in self.threads:
            thread.start()

    def backlog(self) -> int:
        with self._ready:
            return len(self._waiting)

    def _redrive(self) -> tuple[int | None, str | None]:
        attrs = self._sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["RedrivePolicy"])["Attributes"]
        if not attrs.get("RedrivePolicy"):
            return None, None
        policy = json.loads(attrs["RedrivePolicy"])
        name = str(policy["deadLetterTargetArn"]).rsplit(":", 1)[-1]
        dlq = self._redrive_sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return int(policy["maxReceiveCount"]), dlq

    def _intake(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._sqs.receive_message(
                    QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]
                ).get("Messages", [])
                if not messages:
                    continue
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
                self._sqs.delete_message_batch(QueueUrl=self.url, Entries=entries)
                for message in messages:  # here, in one thread, in arrival order
                    self._prepare(message)
                with self._ready:
                    self._waiting.extend(Waiting(m) for m in messages)
                    self._ready.notify_all()
            except Exception as exc:  # as Lambda's pollers: said, and polled again
                self._echo(f"[pump] {self.name} intake error: {type(exc).__name__}: {exc}")
                self._stop.wait(1)

    def _take(self) -> list[Waiting]:
        """Up to a batch of the oldest messages due (a failed one waits its 2 seconds at the back)."""
        with self._ready:
            now = time.monotonic()
            batch: list[Waiting] = []
            for _ in range(len(self._waiting)):
                if len(batch) >= self._batch_size:
                    break
                one = self._waiting.popleft()
                if one.not_before <= now:
                    batch.append(one)
                else:
                    self._waiting.append(one)
            if not batch:
                self._ready.wait(0.2)
            return batch

    def _work(self) -> None:
        while not self._stop.is_set():
            batch = self._take()
            if batch:
                self._invoke(batch)

    def _invoke(self, batch: list[Waiting]) -> None:
        for one in batch:
            one.receives += 1
            one.message.setdefault("Attributes", {})["ApproximateReceiveCount"] = str(one.receives)
        try:
            answer = invoke(self._handler, sqs_event([w.message for w in batch], self.arn), self.name) or {}
            failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        except Exception as exc:
            self._echo(f"[pump] {self.name} failed: {type(exc).__name__}: {exc}")
            failed = {w.message["MessageId"] for w in batch}
        if self._after is not None:
            with self._after_lock:
                self._after()
        for one in batch:
            if one.message["MessageId"] not in failed:
                continue
            if self._max_receives is not None and one.receives >= self._max_receives and self._dlq_url:
                self._redrive_sqs.send_message(QueueUrl=self._dlq_url, MessageBody=one.message["Body"])
                self._echo(f"[pump] {self.name}: a message went to the dead-letter queue after {one.receives} receives")
                continue
            one.not_before = time.monotonic() + RETRY_AFTER_S
            with self._ready:
                self._waiting.append(one)
                self._ready.notify_all()
