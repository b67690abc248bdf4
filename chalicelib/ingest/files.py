"""Ingest one uploaded file: check it whole, then stream it again to validate and write each row,
then report. Both passes stream the object; neither holds the file in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from chalicelib.ingest.kinds import KINDS, Context, Kind, Record, parse_row
from chalicelib.ingest.reader import NotCsv, Row, check_csv, read_rows
from chalicelib.ingest.report import Report, report_keys
from chalicelib.observability import count_metric
from chalicelib.services import Services
from chalicelib.store.files import file_finished, file_started
from chalicelib.store.writer import RecordWriter

logger = Logger(child=True)


class Sink(Protocol):
    """Where a file's valid records go: `put` each, then `close` once the file is read."""

    def put(self, record: Record) -> None: ...

    def close(self) -> None: ...


def ingest_object(svc: Services, bucket: str, key: str, *, writer: RecordWriter | None = None) -> Report:
    """Read `s3://bucket/key`, write its valid rows, and write its report beside it.

    A file refused whole (unknown kind, missing required column, not UTF-8, not CSV) is found out
    by the first pass, before anything is written. An exception other than these (AWS failing, a
    missing key) leaves the report unwritten and goes up: the queue retries the file, and rows
    already written are found unchanged and not written again. The file's item in `files` says
    `running` from the start and `done` or `rejected` at the end.
    """
    kind_name, report_key, errors_key = report_keys(key)
    report = read_object(
        svc,
        bucket,
        key,
        sink=lambda: writer or RecordWriter(svc.clients.dynamodb, svc.tables),
        started=lambda r: file_started(svc.tables.files, r, status="running"),
    )
    write_report(svc.clients.s3, bucket, report, report_key, errors_key)
    file_finished(svc.tables.files, report)
    logger.info(
        "file ingested",
        file=key,
        kind=kind_name,
        status=report.status,
        rows=report.rows,
        accepted=report.accepted,
        rejected=report.rejected,
    )
    count_metric("RowsTaken", report.accepted, kind=kind_name or "unknown")
    count_metric("RowsRejected", report.rejected, kind=kind_name or "unknown")
    if report.status == "rejected":
        count_metric("FilesRefused", 1, kind=kind_name or "unknown")
    return report


def read_object(
    svc: Services, bucket: str, key: str, *, sink: Callable[[], Sink], started: Callable[[Report], None] | None = None
) -> Report:
    """The two passes over one object, each valid row's record handed to `sink()`'s `put`: the
    ingest writer, or the console's preview of a staged file (agency/preview.py). One reader and one
    validation for both, so a file checked in the console is judged exactly as it will be taken.
    `started` is told once the first pass has read the object's metadata (or refused the kind)."""
    s3, clock = svc.clients.s3, svc.clock
    kind_name = report_keys(key)[0]
    report = Report(file=key, kind=kind_name, started_at=clock().isoformat(timespec="seconds"))
    kind = KINDS.get(kind_name)
    if kind is None:
        report.reject_file(f"unknown kind: {kind_name!r}")
        if started:
            started(report)
    else:
        etag = _check(s3, bucket, key, kind, report)
        if started:
            started(report)
        if etag is not None:
            id_hash_key = svc.id_hash_key() if kind.name == "people" else None  # only people carry ID numbers
            ctx = Context(now=clock(), id_hash_key=id_hash_key, file=key)
            _write_rows(s3, bucket, key, etag, kind, ctx, report, sink())
    report.finished_at = clock().isoformat(timespec="seconds")
    return report


def _check(s3: Any, bucket: str, key: str, kind: Kind, report: Report) -> str | None:
    """The object's ETag when it is UTF-8 CSV with every required column; else the report says why.
    The uploader and province a console upload carries in its metadata go on the report."""
    answer = s3.get_object(Bucket=bucket, Key=key)
    metadata = answer.get("Metadata") or {}
    report.uploaded_by = metadata.get("uploaded-by") or None
    report.province_code = metadata.get("province-code") or None
    body = answer["Body"]
    try:
        header = check_csv(body)
    except NotCsv as exc:
        report.reject_file(str(exc))
        return None
    finally:
        body.close()
    missing = [c for c in kind.required if c not in header]
    if missing:
        report.reject_file(f"missing required column: {', '.join(missing)}")
        return None
    return str(answer["ETag"])


def _write_rows(
    s3: Any, bucket: str, key: str, etag: str, kind: Kind, ctx: Context, report: Report, writer: Sink
) -> None:
    # IfMatch: the object checked is the object written; a replaced object fails and is retried
    body = s3.get_object(Bucket=bucket, Key=key, IfMatch=etag)["Body"]
    try:
        _, rows = read_rows(body)
        for record in valid_records(rows, kind, ctx, report):
            writer.put(record)
        writer.close()
    finally:
        body.close()


def valid_records(rows: Iterable[Row], kind: Kind, ctx: Context, report: Report) -> Iterator[Record]:
    """The valid rows' records, one by one; each bad row is counted and reported with its reasons."""
    for row in rows:
        report.rows += 1
        record, errors = parse_row(kind, row.values, ctx)
        if record is None:
            report.rejected += 1
            for err in errors:
                report.reject_row(row.line, err.column, err.reason, row.raw)
            continue
        report.accepted += 1
        yield record.traced(f"{ctx.file}#{row.line}") if ctx.file else record


def write_report(s3: Any, bucket: str, report: Report, report_key: str, errors_key: str) -> None:
    errors = report.errors_csv()
    if errors is not None:
        s3.put_object(Bucket=bucket, Key=errors_key, Body=errors.getvalue(), ContentType="text/csv; charset=utf-8")
    else:  # a corrected file under the same name leaves no stale list of errors behind
        s3.delete_object(Bucket=bucket, Key=errors_key)
    s3.put_object(
        Bucket=bucket,
        Key=report_key,
        Body=report.to_json().encode("utf-8"),
        ContentType="application/json",
    )
