"""`ingest`: the ingest queue's messages, S3 notifications of uploaded batch files, one file a record."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.agency.preview import check_staged
from chalicelib.ingest.files import ingest_object
from chalicelib.observability import correlate
from chalicelib.services import Services, services

logger = Logger(child=True)


def s3_objects(body: str) -> list[tuple[str, str]]:
    """(bucket, key) of each ObjectCreated record in an S3 notification; S3's test event has none."""
    message = json.loads(body)
    out = []
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        out.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
    return out


def _ingest_record(svc: Services, record: SQSRecord) -> None:
    for bucket, key in s3_objects(record.body):
        if key.startswith("staged/"):
            _check_staged(svc, bucket, key)
            continue
        if not key.startswith("incoming/"):
            continue
        correlate(key)  # each row's facts then carry `<key>#<line>` (ingest/kinds/spec.py)
        try:
            ingest_object(svc, bucket, key)
        except Exception as exc:
            # retried by the queue, then dead-lettered: the reason is logged each time
            logger.exception("file not ingested", file=key, error=type(exc).__name__)
            raise


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """A file that fails is reported back to SQS alone; after its retries it lands in the DLQ."""
    svc = services()
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(
        event=event, record_handler=lambda record: _ingest_record(svc, record), processor=processor, context=context
    )


def _check_staged(svc: Services, bucket: str, key: str) -> None:
    """A console upload to check before sending: read as ingest reads, previewed, nothing taken."""
    correlate(key)
    s3 = svc.clients.s3
    try:
        check_staged(svc, bucket, key)
    except s3.exceptions.NoSuchKey:
        # released or cancelled before its check ran, or an event delivered again: nothing to check
        logger.info("staged file gone", file=key)
    except Exception as exc:
        logger.exception("staged file not checked", file=key, error=type(exc).__name__)
        raise
