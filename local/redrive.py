"""`make redrive [QUEUE=bhxh-local-ingest-dlq]`: dead letters of the running local stack back to the
queue they came from, once their cause is fixed.

Each queue with a redrive policy names its dead-letter queue; every message waiting there is sent
back to that source queue (body and attributes as they were) and deleted from the dead-letter queue,
ten at a time. In AWS the same is SQS's own `StartMessageMoveTask` (docs/deploy.md, "Dead
letters"); moto has no move tasks, so locally it is receive, send, delete. The functions take a
message twice harmlessly (the outbox's conditional put, the claim, the files item's counter), so a
message that had in fact half-succeeded is safe to redrive.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from local.env import REGION


def dead_letter_sources(sqs: Any, prefix: str) -> dict[str, str]:
    """Dead-letter queue URL → the URL of the queue whose failures it holds, for the stack's queues."""
    found: dict[str, str] = {}
    for url in sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", []):
        policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"]).get("Attributes", {})
        if policy.get("RedrivePolicy"):
            dlq_name = str(json.loads(policy["RedrivePolicy"])["deadLetterTargetArn"]).rsplit(":", 1)[-1]
            found[sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"]] = url
    return found


def redrive(sqs: Any, dlq_url: str, source_url: str) -> int:
    """Move every message of `dlq_url` back to `source_url`; returns how many."""
    moved = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return moved
        entries = [
            {"Id": str(n), "MessageBody": m["Body"]}
            | ({"MessageAttributes": m["MessageAttributes"]} if m.get("MessageAttributes") else {})
            for n, m in enumerate(messages)
        ]
        sent = sqs.send_message_batch(QueueUrl=source_url, Entries=entries)
        back = {e["Id"] for e in sent.get("Successful", [])}
        done = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages) if str(n) in back]
        if done:
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=done)
        moved += len(done)
        if len(done) < len(messages):  # the rest stay in the dead-letter queue (visible again later)
            return moved


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make redrive", description=__doc__)
    parser.add_argument("queue", nargs="?", help="one dead-letter queue's name (default: every one)")
    parser.add_argument("--endpoint", default=f"http://127.0.0.1:{os.environ.get('BHXH_MOTO_PORT', '5000')}")
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    import boto3

    sqs = boto3.client(
        "sqs",
        endpoint_url=args.endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    sources = dead_letter_sources(sqs, f"bhxh-{args.stage}-")
    chosen = {d: s for d, s in sources.items() if not args.queue or d.rsplit("/", 1)[-1] == args.queue}
    if args.queue and not chosen:
        print(
            f"no dead-letter queue named {args.queue}; the stack's are: "
            + ", ".join(sorted(d.rsplit("/", 1)[-1] for d in sources))
        )
        return 2
    for dlq, source in sorted(chosen.items()):
        moved = redrive(sqs, dlq, source)
        print(f"{dlq.rsplit('/', 1)[-1]}: {moved} message(s) back to {source.rsplit('/', 1)[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
