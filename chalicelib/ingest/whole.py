"""A file read whole by one invocation, its valid records handed to a sink: the console's check of
a staged file (ingest/preview.py), which takes nothing and so needs neither chunks nor a counter.

The same reader, caps and row validation as the chunked ingest (reader.py, pieces.row_record), so
a file checked in the console is judged exactly as it will be taken; both passes stream the
object, and the rejected rows stream to the errors CSV by multipart upload (aws/s3_upload.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from chalicelib.aws.s3_upload import StreamedObject
from chalicelib.ingest.kinds import KINDS, Context, Record
from chalicelib.ingest.pieces import Tally, row_record
from chalicelib.ingest.province_gate import gate
from chalicelib.ingest.reader import UTF8, NotCsv, check_csv, read_rows
from chalicelib.ingest.report import (
    ERRORS_CSV_TAGS,
    ERRORS_HEADER,
    ErrorRows,
    Report,
    report_keys,
    truncated_line,
)
from chalicelib.ingest.xlsx import REFUSED
from chalicelib.services import Services

CSV_TYPE = "text/csv; charset=utf-8"


class Sink(Protocol):
    """Where a file's valid records go: `put` each, then `close` once the file is read."""

    def put(self, record: Record) -> None: ...

    def close(self) -> None: ...


def read_object(
    svc: Services,
    bucket: str,
    key: str,
    *,
    sink: Callable[[], Sink],
    started: Callable[[Report], None] | None = None,
    version: str | None = None,
) -> Report:
    """The two passes over one object and its report, the errors CSV written beside it (or a stale
    one removed when no row is rejected). `started` is told once the first pass has read the
    object's metadata (or refused the kind); a file refused whole hands the sink nothing. `version`:
    the object version to read (the event's); both passes read the one version, named in the report."""
    s3, clock = svc.clients.s3, svc.clock
    kind_name, _, errors_key = report_keys(key)
    report = Report(file=key, kind=kind_name, started_at=clock().isoformat(timespec="seconds"), version=version)
    kind = KINDS.get(kind_name)
    if kind is None:
        report.reject_file(f"unknown kind: {kind_name!r}")
        if started:
            started(report)
        _no_errors(s3, bucket, errors_key)
        report.finished_at = clock().isoformat(timespec="seconds")
        return report
    pinned = {"VersionId": version} if version else {}
    answer = s3.get_object(Bucket=bucket, Key=key, **pinned)
    report.version = answer.get("VersionId") or version
    pinned = {"VersionId": report.version} if report.version else {}
    metadata = answer.get("Metadata") or {}
    report.uploaded_by = metadata.get("uploaded-by") or None
    report.province_code = metadata.get("province-code") or None
    header: list[str] | None = None
    form = UTF8
    try:
        if metadata.get(REFUSED):  # a workbook that could not be read as CSV (ingest/xlsx.py)
            report.reject_file(metadata[REFUSED])
        else:
            header, form = check_csv(answer["Body"])
    except NotCsv as exc:
        report.reject_file(str(exc))
    finally:
        answer["Body"].close()
    missing = [c for c in kind.required if header is not None and c not in header]
    if missing:
        report.reject_file(f"missing required column: {', '.join(missing)}")
    if started:
        started(report)
    if header is None or missing:
        _no_errors(s3, bucket, errors_key)
    else:
        ctx = Context(
            now=clock(),
            id_hash_key=svc.id_hash_key() if kind.name == "people" else None,
            file=key,
            version=f"etag:{answer['ETag']}",
            columns=frozenset(header),
        )
        out = StreamedObject(s3, bucket, errors_key, content_type=CSV_TYPE, tags=ERRORS_CSV_TAGS)
        out.write(ERRORS_HEADER)
        rejected = ErrorRows(out.write)
        tally = Tally()
        # IfMatch: the object checked is the object read; a replaced object fails and is retried
        body = s3.get_object(Bucket=bucket, Key=key, IfMatch=answer["ETag"], **pinned)["Body"]
        try:
            _, rows = read_rows(body, form)
            into = sink()
            gated = gate(kind, report.province_code, svc.tables, into, rejected, tally)
            for row in rows:
                record = row_record(kind, row, header, ctx, rejected, tally)
                if record is not None:
                    gated.put(record, row)
            gated.close()
            into.close()
            report.refused = dict(gated.refused)
            rejected.flush()
            if rejected.rows > rejected.listed:
                out.write(truncated_line(rejected.listed, rejected.rows))
            if rejected.rows:
                out.close()
            else:
                out.abort()
                _no_errors(s3, bucket, errors_key)
        except BaseException:
            out.abort()
            raise
        finally:
            body.close()
        report.rows, report.accepted, report.rejected = tally.rows, tally.accepted, rejected.rows
        report.errors = rejected.first
        report.errors_truncated = rejected.rows > rejected.listed
    report.finished_at = clock().isoformat(timespec="seconds")
    return report


def write_report(s3: Any, bucket: str, report: Report) -> None:
    s3.put_object(
        Bucket=bucket,
        Key=report_keys(report.file)[1],
        Body=report.to_json().encode("utf-8"),
        ContentType="application/json",
    )


def _no_errors(s3: Any, bucket: str, errors_key: str) -> None:
    """A file with no rejected row leaves no stale list of errors behind (a corrected file)."""
    s3.delete_object(Bucket=bucket, Key=errors_key)
