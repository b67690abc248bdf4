"""Ingest one uploaded file: stream it, validate each row, write the valid ones, report."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock
from chalicelib.ingest.kinds import KINDS, parse_row
from chalicelib.ingest.reader import NotCsv, read_rows
from chalicelib.ingest.report import Report, report_keys
from chalicelib.store.models import Tables
from chalicelib.store.writer import RecordWriter

logger = Logger(child=True)


def ingest_object(bucket: str, key: str, *, s3: Any, tables: Tables, clock: Clock) -> Report:
    """Read `s3://bucket/key`, write its valid rows, and write its report beside it."""
    kind_name, report_key, errors_key = report_keys(key)
    report = Report(file=key, kind=kind_name, started_at=clock().isoformat(timespec="seconds"))
    kind = KINDS.get(kind_name)
    if kind is None:
        report.reject_file(f"unknown kind: {kind_name!r}")
    else:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        try:
            header, rows = read_rows(body)
            missing = [c for c in kind.required if c not in header]
            if missing:
                report.reject_file(f"missing required column: {', '.join(missing)}")
            else:
                writer = RecordWriter(tables)
                for row in rows:
                    report.rows += 1
                    record, errors = parse_row(kind, row.values)
                    if record is None:
                        report.rejected += 1
                        for err in errors:
                            report.reject_row(row.line, err.column, err.reason, row.raw)
                        continue
                    writer.put(record)
                    report.accepted += 1
                writer.close()
        except NotCsv as exc:
            report.reject_file(str(exc))
        finally:
            body.close()
    report.finished_at = clock().isoformat(timespec="seconds")
    _write_report(s3, bucket, report, report_key, errors_key)
    logger.info(
        "file ingested",
        file=key,
        kind=kind_name,
        status=report.status,
        rows=report.rows,
        accepted=report.accepted,
        rejected=report.rejected,
    )
    return report


def _write_report(s3: Any, bucket: str, report: Report, report_key: str, errors_key: str) -> None:
    errors = report.errors_csv()
    if errors is not None:
        s3.put_object(Bucket=bucket, Key=errors_key, Body=errors.getvalue(), ContentType="text/csv; charset=utf-8")
    s3.put_object(
        Bucket=bucket,
        Key=report_key,
        Body=report.to_json().encode("utf-8"),
        ContentType="application/json",
    )
