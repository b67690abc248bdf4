"""`ingest`: the ingest queue's messages. S3's notifications of uploaded batch files start a file;
the ingest's own messages (ingest/tasks.py) carry each file on, a step an invocation. A console
upload to check first (`staged/…`) goes the same steps, its valid rows previewed instead of
written (ingest/preview.py): nothing of it is taken. An Excel workbook (`….xlsx`, either place) is
written as the CSV beside it (ingest/xlsx.py), whose own event is then taken or checked."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import ClientError

from chalicelib.aws.queues import Queue
from chalicelib.domain.deadline import Deadline
from chalicelib.ingest.engine import Send, run_all
from chalicelib.ingest.tasks import Task, is_task
from chalicelib.ingest.upload import admit, admit_staged
from chalicelib.ingest.xlsx import convert, is_workbook
from chalicelib.observability import correlate
from chalicelib.services import Services, services

logger = Logger(child=True)


def s3_objects(body: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    """(bucket, key, version, sequencer) of each ObjectCreated record of an S3 notification; S3's
    test event has none. The version is the one to read: a later upload under the same name is
    another object version, with its own event."""
    out = []
    for record in body.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3, found = record["s3"], record["s3"]["object"]
        out.append((s3["bucket"]["name"], unquote_plus(found["key"]), found.get("versionId"), found.get("sequencer")))
    return out


def task_sender(svc: Services) -> Send:
    """Sends steps to the stage's ingest queue (aws/queues.py: ten a call, refused ones again)."""
    queue = Queue.named(svc.clients.sqs, svc.settings.name("ingest"))

    def send(tasks: list[Task]) -> None:
        queue.send(t.to_json() for t in tasks)

    return send


def _record(svc: Services, record: SQSRecord, deadline: Deadline, send: Send) -> None:
    body = json.loads(record.body)
    if is_task(body):
        task = Task.from_body(body)
        starts = [(task.upload.file, lambda task=task: [task])]
    else:
        objects = s3_objects(body)
        for bucket, key, version, _seq in objects:
            if is_workbook(key):
                _convert(svc, bucket, key, version)
        starts = [
            (key, lambda b=bucket, k=key, v=version, s=seq: _admit(svc, b, k, v, s))
            for bucket, key, version, seq in objects
            if key.startswith(("incoming/", "staged/")) and not is_workbook(key)
        ]
    for key, first in starts:
        correlate(key)  # each row's facts then carry `<key>#<line>` (ingest/kinds/spec.py)
        try:
            run_all(svc, first(), deadline, send)
        except Exception as exc:
            # retried by the queue, then dead-lettered: the reason is logged each time
            logger.exception("file not ingested", file=key, error=type(exc).__name__)
            raise


def _admit(svc: Services, bucket: str, key: str, version: str | None, seq: str | None) -> list[Task]:
    """An upload to take, or a console upload to check first: the same steps, only the write differs."""
    if key.startswith("staged/"):
        return admit_staged(svc, bucket, key, version, seq)
    return admit(svc, bucket, key, version, seq)


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """A message that fails is reported back to SQS alone; after its retries it lands in the DLQ.
    Each invocation watches the time its context says it has left (domain/deadline.py)."""
    svc = services()
    time_left = getattr(context, "get_remaining_time_in_millis", None) or (lambda: 900_000)
    deadline = Deadline.of(time_left)
    sends: list[Send] = []

    def send(tasks: list[Task]) -> None:
        if not sends:
            sends.append(task_sender(svc))
        sends[0](tasks)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(
        event=event,
        record_handler=lambda record: _record(svc, record, deadline, send),
        processor=processor,
        context=context,
    )


def _convert(svc: Services, bucket: str, key: str, version: str | None) -> None:
    """An Excel workbook: its first sheet written as the CSV beside it, whose own event takes it
    (or checks it, when staged)."""
    correlate(key)
    try:
        convert(svc.clients.s3, bucket, key, version)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NoSuchVersion"):
            logger.info("workbook gone", file=key)  # deleted, or a staged one released or cancelled meanwhile
            return
        logger.exception("workbook not converted", file=key, error=type(exc).__name__)
        raise
    except Exception as exc:
        logger.exception("workbook not converted", file=key, error=type(exc).__name__)
        raise
