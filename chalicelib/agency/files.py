"""The console's files: the province's list, one file's report and preview, its errors CSV, and the
release or cancellation of a staged file. Reads the `files` table (store/files.py) and the reports."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.agency.identity import forbidden
from chalicelib.agency.names import FileName, Stage
from chalicelib.api.errors import ApiError, bad_input, not_found
from chalicelib.domain.staff import Staff
from chalicelib.ingest.kinds import KINDS
from chalicelib.services import Services
from chalicelib.store.batches import batch_counts, batch_state
from chalicelib.store.conditions import delete_if
from chalicelib.store.files import FileModel, as_dict, get_file, mark_cancelled, province_files

STATUSES = ("staged", "running", "done", "rejected", "cancelled")
LINK_EXPIRES_S = 300
MAX_LISTED = 100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def _summary(item: FileModel) -> dict[str, Any]:
    data = as_dict(item)
    stage, _, rest = item.file.partition("/")
    data["stage"] = stage
    data["name"] = rest.split("/", 1)[-1].removesuffix(".csv")
    total = max(int(item.chunks_total or 1), 1)
    data["progress"] = {
        "chunks_done": int(item.chunks_done or 0),
        "chunks_total": total,
        "percent": min(100, round(100 * int(item.chunks_done or 0) / total)),
    }
    for bulky in ("errors", "preview"):
        data.pop(bulky, None)
    return data


def list_files(svc: Services, staff: Staff, query: dict[str, str]) -> dict[str, Any]:
    """The staff member's province's files, newest first; `kind`, `status`, `since` (a day) narrow it."""
    kind, status, since = query.get("kind"), query.get("status"), query.get("since")
    if kind and kind not in KINDS:
        raise bad_input("kind", f"one of {', '.join(sorted(KINDS))}")
    if status and status not in STATUSES:
        raise bad_input("status", f"one of {', '.join(STATUSES)}")
    if since and not _DAY.match(since):
        raise bad_input("since", "a day, YYYY-MM-DD")
    out = []
    for item in province_files(svc.tables.files, staff.province_code, limit=500):
        if not staff.sees(item.province_code):
            continue
        if (kind and item.kind != kind) or (status and item.status != status) or (since and item.started_at < since):
            continue
        out.append(_summary(item))
        if len(out) >= MAX_LISTED:
            break
    return {"files": out, "province_code": staff.province_code}


def find_file(
    svc: Services, staff: Staff, file: FileName, stages: tuple[Stage, ...] = ("staged", "incoming")
) -> FileModel:
    """The file's item, if the staff member may see it: a staged one waiting for someone first, then
    the file taken under that name, then a staged one cancelled."""
    found = {stage: get_file(svc.tables.files, file.key(stage)) for stage in stages}
    staged, taken = found.get("staged"), found.get("incoming")
    item = staged if staged is not None and staged.status == "staged" else (taken or staged)
    if item is None:
        raise not_found(f"no file {file.kind}/{file.name}")
    if not staff.sees(item.province_code):
        raise forbidden("this file belongs to another province", subject=item.file)
    return item


def read_file(svc: Services, staff: Staff, file: FileName) -> dict[str, Any]:
    item = find_file(svc, staff, file)
    body = _summary(item)
    body["report"] = {
        "status": item.check if item.status == "staged" else item.status,
        "rows": int(item.rows or 0),
        "accepted": int(item.accepted or 0),
        "rejected": int(item.rejected or 0),
        "reason": item.reason,
        "errors": as_dict(item).get("errors", []),
        "started_at": item.started_at,
        "finished_at": item.finished_at,
        "uploaded_by": item.uploaded_by,
        "province_code": item.province_code,
    }
    body["preview"] = item.preview.as_dict() if item.preview is not None else None
    if item.status in ("running", "done") and item.file.startswith("incoming/"):
        body["batch"] = {
            "state": batch_state(svc.tables, item.file).value,
            "counts": batch_counts(svc.tables, item.file),
        }
    return body


def errors_link(svc: Services, staff: Staff, file: FileName) -> dict[str, Any]:
    """A short-lived link to the file's errors CSV (every rejected row), downloaded from S3 itself."""
    item = find_file(svc, staff, file)
    if not int(item.rejected or 0):
        raise not_found("this file has no rejected rows")
    key = file.staged_errors_key if item.file.startswith("staged/") else file.errors_key
    url = svc.clients.s3_presign.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": svc.settings.name("ingest"),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{file.name}.errors.csv"',
            "ResponseContentType": "text/csv; charset=utf-8",
        },
        ExpiresIn=LINK_EXPIRES_S,
    )
    return {"url": url, "expires_in": LINK_EXPIRES_S}


def _staged(svc: Services, staff: Staff, file: FileName) -> FileModel:
    try:
        item = find_file(svc, staff, file, stages=("staged",))
    except ApiError as exc:
        if exc.status == 404 and _exists(svc, file.key("incoming")):
            raise conflict("the file was already released") from None
        raise
    if item.status != "staged":
        raise conflict(f"the file is {item.status}, not waiting to be released")
    return item


def release(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """The checked file is taken, as if uploaded to `incoming/` (its metadata kept), and its staged
    item removed: released once, whoever clicks twice."""
    item = _staged(svc, staff, file)
    if item.check is None:
        raise conflict("the file is still being checked")
    if item.check != "done":
        raise conflict("the file was refused whole: correct it and upload it again")
    model = svc.tables.files
    if not delete_if(item, (model.status == "staged") & (model.check == "done")):
        raise conflict("the file was released or cancelled meanwhile")
    s3, bucket = svc.clients.s3, svc.settings.name("ingest")
    staged, taken = file.key("staged"), file.key("incoming")
    try:
        s3.copy_object(Bucket=bucket, Key=taken, CopySource={"Bucket": bucket, "Key": staged}, MetadataDirective="COPY")
    except Exception:
        item.save()  # not taken: it waits again, to be released or cancelled
        raise
    s3.delete_object(Bucket=bucket, Key=staged)
    return {"file": taken, "status": "running", "released_from": staged}, staged


def cancel(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """Nothing of the file is taken; its report says `cancelled`."""
    item = _staged(svc, staff, file)
    now = svc.clock()
    if not mark_cancelled(svc.tables.files, item.file, now):
        raise conflict("the file was released or cancelled meanwhile")
    s3, bucket = svc.clients.s3, svc.settings.name("ingest")
    report = _read_json(s3, bucket, file.staged_report_key) or {"file": item.file, "kind": file.kind}
    report.update(status="cancelled", cancelled_by=staff.username, cancelled_at=now.isoformat(timespec="seconds"))
    s3.put_object(
        Bucket=bucket,
        Key=file.staged_report_key,
        Body=json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"),
        ContentType="application/json",
    )
    s3.delete_object(Bucket=bucket, Key=file.key("staged"))
    return {"file": item.file, "status": "cancelled"}, item.file


# S3 answers 403, not 404, for a missing key to a role without s3:ListBucket (the API's has none).
_ABSENT = ("404", "403", "NoSuchKey", "NotFound", "AccessDenied")


def _exists(svc: Services, key: str) -> bool:
    """An object is under `key`, found by listing its name: the API may not read raw uploads (a
    HEAD is a read), and the ingest may not have made the file's item yet."""
    listed = svc.clients.s3.list_objects_v2(Bucket=svc.settings.name("ingest"), Prefix=key, MaxKeys=1)
    return any(entry.get("Key") == key for entry in listed.get("Contents", []))


def _read_json(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _ABSENT:
            return None
        raise
