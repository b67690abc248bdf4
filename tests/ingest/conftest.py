"""Ingest fixtures: deliver a file to the real ingest handler, read what reached the ledger stream."""

from __future__ import annotations

import json

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.conftest import REGION


def sqs_event_for(bucket: str, key: str, message_id: str = "m-1") -> dict:
    body = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}]}
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": "r",
                "body": json.dumps(body),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:bhxh-local-ingest",
                "awsRegion": REGION,
            }
        ]
    }


def _handle(functions, event: dict, context=None) -> list[str]:
    """The ids of the messages the handler failed, run as the ingest function under its own role
    (Powertools raises when every message of the batch failed: Lambda then returns the batch to the
    queue, as it does with a partial answer)."""
    try:
        answer = functions.invoke("ingest", event, context)
    except BatchProcessingError:
        return [r["messageId"] for r in event["Records"]]
    return [f["itemIdentifier"] for f in answer["batchItemFailures"]]


@pytest.fixture
def drain_ingest(stack, svc, functions):
    """Run what is on the ingest queue (S3's events, the ingest's own steps) until it is empty, each
    message as its own invocation with `context` (a callable: a new one each); returns the ids of
    those that failed. A failed message stays invisible for the rest of the call, then becomes
    visible again: the next call gets it back, as SQS redelivers it after its visibility timeout."""
    from local.pump.lambda_events import sqs_event

    sqs = boto3.client("sqs", region_name=REGION)
    url = stack.ingest_queue_url
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def run(context=None, limit: int = 10_000) -> list[str]:
        failed: list[dict] = []
        for _ in range(limit):
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"]).get(
                "Messages", []
            )
            if not messages:
                break
            if _handle(functions, sqs_event(messages, arn), context() if callable(context) else context):
                failed += messages
            else:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        else:
            raise AssertionError("the ingest queue never emptied")
        for m in failed:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        return [m["MessageId"] for m in failed]

    return run


@pytest.fixture
def deliver(stack, svc, drain_ingest):
    """Run the ingest queue: S3's event of `key`'s upload (or, with `event=True`, one made here, as
    for a key never uploaded) and every step it leads to; returns the ids of the messages that failed."""
    sqs = boto3.client("sqs", region_name=REGION)

    def run(key: str, *, event: bool = False, context=None) -> list[str]:
        if event:
            body = sqs_event_for(stack.bucket, key)["Records"][0]["body"]
            sqs.send_message(QueueUrl=stack.ingest_queue_url, MessageBody=body)
        return drain_ingest(context)

    return run


@pytest.fixture
def ingest(upload, deliver, read_report):
    """Upload a file, run the handler on it, and return its report."""

    def run(kind: str, name: str, data: str | bytes) -> dict:
        key = upload(kind, name, data)
        assert deliver(key) == []
        stem = name[:-4] if name.endswith(".csv") else name
        return read_report(f"reports/{kind}/{stem}.json")

    return run


@pytest.fixture
def ledger_stream(stack):
    """Every record on the ledger's stream so far, as (eventName, pk), oldest first."""
    streams = boto3.client("dynamodbstreams", region_name=REGION)

    def read() -> list[tuple[str, str]]:
        arn = stack.outputs["LedgerStreamArn"]
        out = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                answer = streams.get_records(ShardIterator=iterator, Limit=1000)
                out += [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in answer["Records"]]
                if not answer["Records"]:
                    break
                iterator = answer.get("NextShardIterator")
        return out

    return read


@pytest.fixture
def s3_text(stack):
    s3 = boto3.client("s3", region_name=REGION)

    def read(key: str) -> str | None:
        try:
            return s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read().decode("utf-8")
        except s3.exceptions.NoSuchKey:
            return None

    return read
