"""`make redrive`: a dead letter goes back to the queue it failed from (local/redrive.py)."""

from __future__ import annotations

import boto3

from local.redrive import dead_letter_sources, redrive
from tests.conftest import REGION


def test_every_dead_letter_queue_is_found_with_its_source_and_its_messages_go_back_to_it(stack) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    sources = {d.rsplit("/", 1)[-1]: s.rsplit("/", 1)[-1] for d, s in dead_letter_sources(sqs, "bhxh-local-").items()}
    assert sources["bhxh-local-ingest-dlq"] == "bhxh-local-ingest"
    assert sources["bhxh-local-bulk-dlq"] == "bhxh-local-bulk"
    dlq, source = (sqs.get_queue_url(QueueName=n)["QueueUrl"] for n in ("bhxh-local-bulk-dlq", "bhxh-local-bulk"))
    bodies = [f'{{"id": "payment_received#n{n}", "batch": null}}' for n in range(13)]
    for body in bodies:
        sqs.send_message(QueueUrl=dlq, MessageBody=body)

    assert redrive(sqs, dlq, source) == 13

    back = []
    while messages := sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10).get("Messages", []):
        back += [m["Body"] for m in messages]
        sqs.delete_message_batch(
            QueueUrl=source,
            Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)],
        )
    assert sorted(back) == sorted(bodies)
    assert sqs.receive_message(QueueUrl=dlq).get("Messages", []) == []
