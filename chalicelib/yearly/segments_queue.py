"""The yearly statement's segment queue: where the tick and a resuming segment send a `Segment`."""

from __future__ import annotations

from chalicelib.services import Services
from chalicelib.yearly.fanout import Segment, Send


def segment_sender(svc: Services) -> Send:
    """Sends a segment to the stage's yearly queue (its URL looked up once per sender)."""
    sqs = svc.clients.sqs
    url = sqs.get_queue_url(QueueName=svc.settings.name("yearly"))["QueueUrl"]

    def send(seg: Segment) -> None:
        sqs.send_message(QueueUrl=url, MessageBody=seg.to_json())

    return send
