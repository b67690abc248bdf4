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


@pytest.fixture
def deliver(stack, svc, functions):
    """Hand the ingest handler the queue message S3 would send for `key`; returns the ids of the
    messages it failed (Powertools raises when every message of the batch failed: Lambda then
    returns the batch to the queue, as it does with a partial answer)."""

    def run(key: str) -> list[str]:
        try:
            answer = functions.invoke("ingest", sqs_event_for(stack.bucket, key))
        except BatchProcessingError:
            return ["m-1"]
        return [f["itemIdentifier"] for f in answer["batchItemFailures"]]

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
