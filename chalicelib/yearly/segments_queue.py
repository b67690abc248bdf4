"""The yearly statement's segment queue: where the tick and a resuming segment send a `Segment`."""

from __future__ import annotations

from chalicelib.aws.queues import Queue
from chalicelib.services import Services
from chalicelib.yearly.fanout import Segment, Send


def segment_sender(svc: Services) -> Send:
    """Sends a segment to the stage's yearly queue (its URL looked up once per sender)."""
    queue = Queue.named(svc.clients.sqs, svc.settings.name("yearly"))

    def send(seg: Segment) -> None:
        queue.send([seg.to_json()])

    return send
