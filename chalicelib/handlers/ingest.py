"""`ingest`: the ingest queue's messages. S3's notifications of uploaded batch files start a file;
the ingest's own messages (ingest/tasks.py) carry each file on, a step an invocation. A console
upload to check first (`staged/…`) is checked whole in the invocation its event arrives in
(agency/preview.py): nothing of it is taken. An Excel workbook (`….xlsx`, either place) is written
as the CSV beside it (ingest/xlsx.py), whose own event is then taken or checked."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import ClientError

from chalicelib.domain.deadline import Deadline
from chalicelib.ingest.files import Send, run_all
from chalicelib.ingest.tasks import Task, is_task
from chalicelib.ingest.upload import admit, padded
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
    """Sends steps to the stage's ingest queue, ten a call."""
    sqs = svc.clients.sqs
    url = sqs.get_queue_url(QueueName=svc.settings.name("ingest"))["QueueUrl"]

    def send(tasks: list[Task]) -> None:
        for at in range(0, len(tasks), 10):
            entries = [{"Id": str(n), "MessageBody": t.to_json()} for n, t in enumerate(tasks[at : at + 10])]
            answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)
            if answer.get("Failed"):
                raise RuntimeError(f"{len(answer['Failed'])} ingest step(s) not sent: {answer['Failed'][0]}")

    return send


def _record(svc: Services, record: SQSRecord, deadline: Deadline, send: Send) -> None:
    body = json.loads(record.body)
    if is_task(body):
        task = Task.from_body(body)
        starts = [(task.upload.file, lambda task=task: [task])]
    else:
        objects = s3_objects(body)
        for bucket, key, version, seq in objects:
            if is_workbook(key):
                _convert(svc, bucket, key, version)
            elif key.startswith("staged/"):
                _check_staged(svc, bucket, key, version, padded(seq))
        starts = [
            (key, lambda b=bucket, k=key, v=version, s=seq: admit(svc, b, k, v, s))
            for bucket, key, version, seq in objects
            if key.startswith("incoming/") and not is_workbook(key)
        ]
    for key, first in starts:
        correlate(key)  # each row's facts then carry `<key>#<line>` (ingest/kinds/spec.py)
        try:
            run_all(svc, first(), deadline, send)
        except Exception as exc:
            # retried by the queue, then dead-lettered: the reason is logged each time
            logger.exception("file not ingested", file=key, error=type(exc).__name__)
            raise


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


def _check_staged(svc: Services, bucket: str, key: str, version: str | None, seq: str | None) -> None:
    """A console upload to check before sending: read as ingest reads, previewed, nothing taken."""
    from chalicelib.agency.preview import check_staged  # a staged upload's path only: kept out of the cold start

    correlate(key)
    s3 = svc.clients.s3
    try:
        check_staged(svc, bucket, key, version=version, seq=seq)
    except s3.exceptions.NoSuchKey:
        # released or cancelled before its check ran, or an event delivered again: nothing to check
        logger.info("staged file gone", file=key)
    except Exception as exc:
        logger.exception("staged file not checked", file=key, error=type(exc).__name__)
        raise
