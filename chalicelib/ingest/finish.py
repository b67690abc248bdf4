"""A file's end: its report and its errors CSV, written once, when its last piece is written.

The errors CSV is put together from the pieces' own CSVs in the file's order, by one multipart
upload: S3 copies whole pieces itself (UploadPartCopy) and only small ones, and the one piece where
the CSV stops (after its first 100,000 rejected rows), pass through the function. A file's report
and errors CSV replace those of the file's last upload; a file with no rejected row (or refused
whole) has no errors CSV, and the last upload's is deleted (the Ingest role may delete
`reports/*.errors.csv` and nothing else), so no list of old errors is left behind.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.aws.s3_upload import StreamedObject, UploadState
from chalicelib.domain.clock import ICT, utc_iso
from chalicelib.domain.deadline import Deadline
from chalicelib.domain.status import FileStatus
from chalicelib.ingest.objects import errors_key, first_errors_key, scratch
from chalicelib.ingest.reader import Lines
from chalicelib.ingest.report import (
    ERRORS_CSV_TAGS,
    ERRORS_HEADER,
    MAX_ERROR_ROWS,
    MAX_LISTED_ERRORS,
    Report,
    report_keys,
    truncated_line,
)
from chalicelib.ingest.tasks import Task
from chalicelib.observability import count_metric
from chalicelib.services import Services
from chalicelib.store import files
from chalicelib.store.files import FileModel, Upload
from chalicelib.store.maps import plain_map

logger = Logger(child=True)

CSV_TYPE = "text/csv; charset=utf-8"


def finish(svc: Services, task: Task, deadline: Deadline) -> list[Task]:
    upload, bucket, s3 = task.upload, task.bucket, svc.clients.s3
    tables = svc.tables
    item = files.get_file(tables, upload.file)
    if item is None or not files.in_progress(item, upload):
        return []  # ended already: this message came twice
    kind, report_key, csv_key = report_keys(upload.file)
    report = Report(
        file=upload.file,
        kind=kind,
        started_at=_local(item.started_at),
        uploaded_by=upload.uploaded_by,
        province_code=upload.province_code,
    )
    if item.reason:
        report.reject_file(item.reason)
        s3.delete_object(Bucket=bucket, Key=csv_key)  # the last upload's list of errors, if any
    else:
        pieces = sorted(files.pieces(item.written).items())
        listed = 0
        if int(item.rejected or 0):
            listed = _errors_csv(s3, bucket, upload, csv_key, pieces, int(item.rejected), deadline, task)
            if isinstance(listed, Task):
                return [listed]  # carries on in another invocation
        else:  # a corrected file under the same name leaves no stale list of errors behind
            s3.delete_object(Bucket=bucket, Key=csv_key)
        report.rows, report.accepted, report.rejected = int(item.rows), int(item.accepted), int(item.rejected)
        report.errors = _first_errors(s3, bucket, upload, pieces)
        report.errors_truncated = report.rejected > listed
    report.finished_at = _local(item.last_at or item.started_at)
    s3.put_object(Bucket=bucket, Key=report_key, Body=report.to_json().encode("utf-8"), ContentType="application/json")
    if upload.staged:
        _checked(svc, task, report, item)
        return []
    ended = files.finished(
        tables,
        upload,
        status=report.status,
        finished_at=item.last_at or utc_iso(svc.clock()),
        errors=report.errors,
        errors_truncated=report.errors_truncated,
        reason=report.reason,
    )
    if ended is None:
        return []
    _said(report, item)
    return _next_upload(svc, task, ended)


def _checked(svc: Services, task: Task, report: Report, item: FileModel) -> None:
    """A staged file's check ends: its preview, from its pieces', beside its counts; it stays
    `staged` until an uploader releases or cancels it (ingest/release.py)."""
    from chalicelib.ingest import preview  # a staged file's path only: kept out of the cold start

    upload = task.upload
    starts = sorted(files.pieces(item.written))
    summary = preview.summary(svc, task.bucket, upload, starts) if report.status == FileStatus.DONE else None
    ended = files.staged_checked(
        svc.tables,
        upload,
        status=report.status,
        finished_at=item.last_at or files.utc(svc.clock()),
        errors=report.errors,
        errors_truncated=report.errors_truncated,
        reason=report.reason,
        preview=summary,
    )
    if ended is None:
        logger.info("staged upload's check not kept", file=upload.file, version=upload.version)
        return
    logger.info(
        "staged file checked", file=upload.file, status=report.status, rows=report.rows, rejected=report.rejected
    )


def _errors_csv(
    s3: Any,
    bucket: str,
    upload: Upload,
    key: str,
    pieces: list[tuple[int, list[int]]],
    rejected: int,
    deadline: Deadline,
    task: Task,
) -> int | Task:
    """The file's errors CSV, from its pieces' CSVs in order, up to the cap: the rejected rows it
    lists, or the task to carry on with when time runs short."""
    carried = task.resume.get("errors")
    if carried:
        buffered = b""
        if carried.get("carry"):
            buffered = s3.get_object(Bucket=bucket, Key=carried["carry"])["Body"].read()
        state = UploadState.from_json(carried["upload"])
        out = StreamedObject(
            s3, bucket, key, content_type=CSV_TYPE, state=state, buffered=buffered, tags=ERRORS_CSV_TAGS
        )
        first, listed = int(carried["next"]), int(carried["listed"])
    else:
        out = StreamedObject(s3, bucket, key, content_type=CSV_TYPE, tags=ERRORS_CSV_TAGS)
        out.write(ERRORS_HEADER)
        first, listed = 0, 0
    try:
        for n in range(first, len(pieces)):
            start, (_stop, _line, count, size, _rejected) = pieces[n]
            if listed >= MAX_ERROR_ROWS:
                break
            if count and listed + count <= MAX_ERROR_ROWS:
                out.append_object(errors_key(upload, start), size)
                listed += count
            elif count:
                listed += _copy_rows(s3, bucket, errors_key(upload, start), MAX_ERROR_ROWS - listed, out)
            if n + 1 < len(pieces) and deadline.short():
                return _carry_on(s3, bucket, upload, task, out, n + 1, listed)
        if rejected > listed:
            out.write(truncated_line(listed, rejected))
        out.close()
    except BaseException:
        out.abort()
        raise
    return listed


def _carry_on(s3: Any, bucket: str, upload: Upload, task: Task, out: StreamedObject, nxt: int, listed: int) -> Task:
    state, buffered = out.pause()
    carry = None
    if buffered:  # less than a part: kept beside the pieces until the next invocation
        carry = f"{scratch(upload)}carry-{nxt:06d}.bin"
        s3.put_object(Bucket=bucket, Key=carry, Body=buffered)
    errors = {"upload": state.to_json(), "carry": carry, "next": nxt, "listed": listed}
    return replace(task, resume={**task.resume, "errors": errors})


def _copy_rows(s3: Any, bucket: str, key: str, wanted: int, out: StreamedObject) -> int:
    """The first `wanted` rejected rows of a piece's CSV (a row is one CSV line per reason, all with
    its line number): the piece where the file's CSV stops."""
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    text = io.StringIO()
    writer = csv.writer(text)
    taken, last = 0, None
    try:
        for cells in csv.reader(Lines(body), strict=True):
            if cells and cells[0] != last:
                if taken == wanted:
                    break
                taken, last = taken + 1, cells[0]
            writer.writerow(cells)
            if text.tell() > 256 * 1024:
                out.write(text.getvalue().encode("utf-8"))
                text.seek(0)
                text.truncate()
    finally:
        body.close()
    out.write(text.getvalue().encode("utf-8"))
    return taken


def _first_errors(s3: Any, bucket: str, upload: Upload, pieces: list[tuple[int, list[int]]]) -> list[dict[str, Any]]:
    """The report's first 100 reasons, from the pieces that rejected rows, in the file's order."""
    errors: list[dict[str, Any]] = []
    for start, entry in pieces:
        if len(errors) >= MAX_LISTED_ERRORS:
            break
        if entry[4]:  # it rejected rows: the first of their reasons are beside its CSV
            body = s3.get_object(Bucket=bucket, Key=first_errors_key(upload, start))["Body"].read()
            errors += json.loads(body)[: MAX_LISTED_ERRORS - len(errors)]
    return errors


def _next_upload(svc: Services, task: Task, ended: FileModel) -> list[Task]:
    """The upload of the same name that waited for this one, taken now: the earliest of them."""
    waiting = plain_map(ended.waiting)
    if not waiting:
        return []
    key = min(waiting)
    if not files.next_waiting(svc.tables, task.upload.file, key):
        return []
    upload = Upload(
        file=task.upload.file,
        version=str(waiting[key]),
        seq=None if key.startswith("~") else key,
        kind=task.upload.kind,
    )
    return [Task("admit", upload, bucket=task.bucket)]


def _said(report: Report, item: FileModel) -> None:
    logger.info(
        "file ingested",
        file=report.file,
        kind=report.kind,
        status=report.status,
        rows=report.rows,
        accepted=report.accepted,
        rejected=report.rejected,
        chunks=int(item.chunks_total or 0),
    )
    count_metric("RowsTaken", report.accepted, kind=report.kind or "unknown")
    count_metric("RowsRejected", report.rejected, kind=report.kind or "unknown")
    if report.status == FileStatus.REJECTED:
        count_metric("FilesRefused", 1, kind=report.kind or "unknown")


def _local(utc: str | None) -> str:
    """The item's UTC time as the report writes times: Hanoi's, to the second."""
    if not utc:
        return ""
    return datetime.fromisoformat(utc.replace("Z", "+00:00")).astimezone(ICT).isoformat(timespec="seconds")
