"""The sending lanes' queues: `route` puts notices on them (aws/queues.py: ten to a call).

A message names a notice (its id, and its batch file so that the sender reads the batch's state
before its claim); the text is rendered from the outbox when it is sent. A message sent twice (a
stream record delivered again) is harmless: the sender's conditional claim sends a notice once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.aws.queues import Queue
from chalicelib.aws.settings import Settings
from chalicelib.domain.lanes import Lane


@dataclass(frozen=True)
class LaneMessage:
    notice_id: str
    batch: str | None = None

    def body(self) -> str:
        return json.dumps({"id": self.notice_id, "batch": self.batch}, separators=(",", ":"))

    @classmethod
    def parse(cls, body: str) -> LaneMessage:
        data = json.loads(body)
        return cls(str(data["id"]), data.get("batch") or None)


class LaneQueues:
    def __init__(self, sqs: Any, settings: Settings) -> None:
        self._sqs = sqs
        self._settings = settings
        self._urls: dict[Lane, str] = {}

    def url(self, lane: Lane) -> str:
        """The lane's queue: from the settings (the package sets them), else looked up once by name."""
        if lane not in self._urls:
            url = self._settings.queue_url(lane)
            if not url:
                url = self._sqs.get_queue_url(QueueName=self._settings.name(lane.value))["QueueUrl"]
            self._urls[lane] = url
        return self._urls[lane]

    def send(self, lane: Lane, messages: Iterable[LaneMessage]) -> int:
        """Queue every message on `lane`; returns how many calls it took. `NotQueued` when SQS
        refuses some twice: the stream batch is retried (re-queuing a queued notice is harmless)."""
        bodies = [m.body() for m in messages]
        return Queue(self._sqs, self.url(lane)).send(bodies) if bodies else 0
