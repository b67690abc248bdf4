"""The one way messages go onto an SQS queue: ten to a SendMessageBatch call, the entries SQS
refused sent once more, and a `NotQueued` when some are refused again (the caller's own retry, a
stream's or a queue's redelivery, takes it from there: every message here is safe to send twice)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

BATCH = 10  # SQS's most entries per SendMessageBatch


class NotQueued(RuntimeError):
    """SQS refused some entries twice."""


class Queue:
    """One queue, by URL, on an injected SQS client."""

    def __init__(self, sqs: Any, url: str) -> None:
        self._sqs = sqs
        self.url = url

    @classmethod
    def named(cls, sqs: Any, name: str) -> Queue:
        """The queue of this name, its URL looked up once (sqs:GetQueueUrl)."""
        return cls(sqs, sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def send(self, bodies: Iterable[str]) -> int:
        """Queue every body, in order within each call; returns how many calls it took."""
        pending = list(bodies)
        calls = 0
        for start in range(0, len(pending), BATCH):
            entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(pending[start : start + BATCH])]
            failed = self._send(entries)
            calls += 1
            if failed:  # once more: SQS refuses entries one by one, often for a moment
                failed = self._send([entries[int(f["Id"])] for f in failed])
                calls += 1
            if failed:
                codes = sorted({str(f.get("Code")) for f in failed})
                raise NotQueued(f"{len(failed)} message(s) not queued on {self.url.rsplit('/', 1)[-1]}: {codes}")
        return calls

    def _send(self, entries: list[dict[str, str]]) -> list[dict[str, Any]]:
        return list(self._sqs.send_message_batch(QueueUrl=self.url, Entries=entries).get("Failed") or [])
