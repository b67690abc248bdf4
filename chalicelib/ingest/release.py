"""A staged file's way out of its check: released (taken as if uploaded to `incoming/`), approved by
a second person when it is big, or cancelled. The console's routes find the file and check who may
act (agency/uploaded_files.py); what the action does to the file, its item and its report lives here, beside
the check that made the preview (ingest/preview.py). A refused action is a `NotNow`, with the reason
the clerk is shown."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.domain.status import FileStatus
from chalicelib.ingest.objects import ABSENT, current_object
from chalicelib.ingest.report import report_keys
from chalicelib.services import Services
from chalicelib.store.files import FileModel, mark_approved, mark_cancelled, restage, take_staged

TWO_PEOPLE_ABOVE = 5000  # SMS a file may send on one person's release (CONTRACT, "Two people for a big file")


class NotNow(Exception):
    """The file cannot take this action in the state it is in (the console answers 409)."""


def taken_key(staged_key: str) -> str:
    """`staged/<kind>/<name>.csv` → `incoming/<kind>/<name>.csv`, where a released file is taken."""
    return "incoming/" + staged_key.removeprefix("staged/")


def needs_approval(item: FileModel) -> bool:
    """A staged file whose preview would send more than TWO_PEOPLE_ABOVE SMS."""
    preview = item.preview.as_dict() if item.preview is not None else {}
    return int(preview.get("notices") or 0) > TWO_PEOPLE_ABOVE


def release(svc: Services, item: FileModel) -> dict[str, Any]:
    """The checked file is taken, as if uploaded to `incoming/` (its metadata kept), and its staged
    item removed: released once, whoever clicks twice. What is taken is exactly the S3 version the
    preview was computed on; a newer upload under the name must be checked (and shown) first."""
    if item.check is None:
        raise NotNow("the file is still being checked")
    if item.check != FileStatus.DONE:
        raise NotNow("the file was refused whole: correct it and upload it again")
    if needs_approval(item) and not item.approved_by:
        raise NotNow(
            f"this file would send more than {TWO_PEOPLE_ABOVE:,} SMS: a second uploader or support member "
            "of the province must approve it before it is released"
        )
    s3, bucket = svc.clients.s3, svc.settings.name("ingest")
    staged, taken = item.file, taken_key(item.file)
    head = current_object(s3, bucket, staged)
    if not item.version or head is None or head.get("VersionId") != item.version:
        raise NotNow("a newer upload of this file has not been checked yet: release it once its preview is shown")
    tables = svc.tables
    if not take_staged(tables, item):
        raise NotNow("the file was released or cancelled meanwhile")
    source = {"Bucket": bucket, "Key": staged, "VersionId": item.version}
    try:
        s3.copy_object(Bucket=bucket, Key=taken, CopySource=source, MetadataDirective="COPY")
    except Exception:
        restage(tables, item)  # not taken: it waits again, to be released or cancelled
        raise
    s3.delete_object(Bucket=bucket, Key=staged)
    return {"file": taken, "status": FileStatus.RUNNING.value, "released_from": staged, "version": item.version}


def approve(svc: Services, item: FileModel, *, by: str) -> dict[str, Any]:
    """The second person's approval of a big staged file's release, for the version checked (a new
    upload needs its own). Who may approve is the console's rule (agency/uploaded_files.py)."""
    if item.check != FileStatus.DONE:
        raise NotNow("the file is not checked and accepted: there is nothing to approve")
    if not needs_approval(item):
        raise NotNow(f"the file sends at most {TWO_PEOPLE_ABOVE:,} SMS: it needs no second approval")
    if item.approved_by:
        raise NotNow(f"the file was already approved by {item.approved_by}")
    if not mark_approved(svc.tables, item, by=by, at=svc.clock()):
        raise NotNow("the file was approved, released, cancelled or uploaded again meanwhile")
    return {"file": item.file, "approved_by": by, "version": item.version}


def cancel(svc: Services, item: FileModel, *, by: str) -> dict[str, Any]:
    """Nothing of the file is taken; its report says `cancelled`."""
    now = svc.clock()
    if not mark_cancelled(svc.tables, item.file, now):
        raise NotNow("the file was released or cancelled meanwhile")
    s3, bucket = svc.clients.s3, svc.settings.name("ingest")
    kind, report_key, _ = report_keys(item.file)
    report = _read_json(s3, bucket, report_key) or {"file": item.file, "kind": kind}
    report.update(status=FileStatus.CANCELLED.value, cancelled_by=by, cancelled_at=_iso(now))
    s3.put_object(
        Bucket=bucket,
        Key=report_key,
        Body=json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"),
        ContentType="application/json",
    )
    s3.delete_object(Bucket=bucket, Key=item.file)
    return {"file": item.file, "status": FileStatus.CANCELLED.value}


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _read_json(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ABSENT:
            return None
        raise
