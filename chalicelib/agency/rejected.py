"""A file's rejected rows as staff read them (CONTRACT, "Sign-in"): every read is audited, and a
`viewer` (no uploader or support role) gets them masked: the file page's first rejected rows, and
the errors CSV rebuilt by the API from the stored one, cell by cell (domain/privacy.py). Uploaders
and support staff get the errors CSV itself, through a short-lived S3 link, as before.

The file page is polled every few seconds while open: its read of the rejected rows is audited once
per staff member, file and hour (a guard marker), not once per poll."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import Any

from chalicelib.agency.audit import record
from chalicelib.agency.names import FileName
from chalicelib.agency.uploaded_files import errors_link, find_file
from chalicelib.domain.csv_out import CsvFile, csv_text
from chalicelib.domain.privacy import mask_cell, mask_reason
from chalicelib.domain.staff import Action, Role, Staff
from chalicelib.services import Services
from chalicelib.store.guard import first_time
from chalicelib.web.errors import not_found

MAX_MASKED_ROWS = 5_000  # a viewer's masked CSV is built in the API's answer (6 MB at most): the first ones
PAGE_READ_WINDOW_S = 3600


def in_clear(staff: Staff) -> bool:
    """Uploaders and support staff read rejected rows as they came; a viewer only masked."""
    return bool(staff.roles & {Role.UPLOADER, Role.SUPPORT})


def masked_report(body: dict[str, Any]) -> dict[str, Any]:
    """The file page's answer with its rejected rows' reasons masked (they may quote a value)."""
    report = body.get("report") or {}
    report["errors"] = [{**e, "reason": mask_reason(str(e.get("reason", "")))} for e in report.get("errors") or []]
    return body


def page_read(svc: Services, staff: Staff, body: dict[str, Any], where: dict[str, str | None]) -> dict[str, Any]:
    """The file page: masked for a viewer; its rejected rows' read audited once an hour per reader."""
    report = body.get("report") or {}
    if not report.get("errors"):
        return body
    masked = not in_clear(staff)
    hour = int(svc.clock().timestamp()) // PAGE_READ_WINDOW_S
    marker = f"rejected#{staff.username}#{body['file']}#{hour}"
    if first_time(svc.tables, marker, keep_s=2 * PAGE_READ_WINDOW_S, clock=svc.clock):
        details = {"via": "page", "masked": masked, "rows": len(report["errors"])}
        record(svc.tables, svc.clock, staff, Action.READ_REJECTED, subject=body["file"], details=details, **where)
    return masked_report(body) if masked else body


def errors_csv(svc: Services, staff: Staff, file: FileName) -> tuple[Any, str, dict[str, Any]]:
    """The errors CSV: its S3 link in clear, or for a viewer the masked rows themselves. With the
    file's key and what the audit entry says."""
    item = find_file(svc, staff, file)
    if in_clear(staff):
        return errors_link(svc, staff, file), item.file, {"via": "csv", "masked": False}
    if not int(item.rejected or 0):
        raise not_found("this file has no rejected rows")
    key = file.staged_errors_key if item.file.startswith("staged/") else file.errors_key
    rows = list(_masked_rows(svc, key))
    body = CsvFile(f"{file.name}.errors.masked.csv", csv_text(rows[0], rows[1:]))
    return body, item.file, {"via": "csv", "masked": True, "rows": len(rows) - 1}


def _masked_rows(svc: Services, key: str) -> Iterator[list[str]]:
    """The stored errors CSV read as a stream, each row masked: `line` and `column` kept, the reason
    and every cell of the row masked; at most `MAX_MASKED_ROWS`, then a line saying so."""
    body = svc.clients.s3.get_object(Bucket=svc.settings.name("ingest"), Key=key)["Body"]
    lines = codecs.iterdecode(body.iter_lines(keepends=True), "utf-8-sig", errors="replace")
    reader = csv.reader(lines)
    yield next(reader, ["line", "column", "reason"])
    for count, row in enumerate(reader):
        if count >= MAX_MASKED_ROWS:
            yield ["", "", f"masked copy: the first {MAX_MASKED_ROWS} rows; the full list is for uploaders"]
            return
        line, column, reason, *cells = [*row, "", "", ""][: max(len(row), 3)]
        if not line and not column:  # the stored file's own closing note (truncated)
            yield [line, column, reason]
            continue
        yield [line, column, mask_reason(reason), *(mask_cell(c) for c in cells)]
