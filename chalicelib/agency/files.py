"""The console's files: the province's list, one file's report and preview, its errors CSV, and the
release or cancellation of a staged file. Reads the `files` table (store/files.py) and the reports."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.agency.identity import Hidden, forbidden, hidden
from chalicelib.agency.names import FileName, Stage
from chalicelib.domain.file_reasons import explain
from chalicelib.domain.staff import Staff
from chalicelib.ingest.kinds import KINDS
from chalicelib.services import Services
from chalicelib.store.batches import batch_counts, batch_key, batch_state
from chalicelib.store.conditions import delete_if
from chalicelib.store.files import FileModel, as_dict, get_file, mark_approved, mark_cancelled, province_files
from chalicelib.web.errors import ApiError, bad_input, conflict, not_found

STATUSES = ("staged", "running", "done", "rejected", "cancelled")
TWO_PEOPLE_ABOVE = 5000  # SMS a file may send on one person's release (CONTRACT, "Two people for a big file")
LINK_EXPIRES_S = 300
MAX_LISTED = 100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def shown_status(item: FileModel) -> str:
    """The file's status as the clerk is told it: a staged file its check refused is `rejected`
    (it can never be released), not waiting to be sent."""
    return "rejected" if item.status == "staged" and item.check == "rejected" else item.status


def _summary(item: FileModel) -> dict[str, Any]:
    data = as_dict(item)
    stage, _, rest = item.file.partition("/")
    data["stage"] = stage
    data["status"] = shown_status(item)
    why = explain(item.reason) if data["status"] == "rejected" else None
    if why is not None:
        data["reason_text"] = why.as_dict()  # the reason's code, in Vietnamese and English, and what to do
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
        if (
            (kind and item.kind != kind)
            or (status and shown_status(item) != status)
            or (since and item.started_at < since)
        ):
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
    absent = not_found(f"no file {file.kind}/{file.name}")
    if item is None:
        raise absent
    if not staff.sees(item.province_code):  # answered as for no file: no answer tells it exists
        raise hidden(absent, subject=item.file)
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
        "reason_text": body.get("reason_text"),
        "errors": as_dict(item).get("errors", []),
        "started_at": item.started_at,
        "finished_at": item.finished_at,
        "uploaded_by": item.uploaded_by,
        "province_code": item.province_code,
    }
    body["preview"] = item.preview.as_dict() if item.preview is not None else None
    if item.status == "staged":
        body["approval"] = {
            "needed": needs_approval(item),
            "above_sms": TWO_PEOPLE_ABOVE,
            "approved_by": item.approved_by,
            "approved_at": item.approved_at,
        }
    if item.status in ("running", "done") and item.file.startswith("incoming/"):
        batch = batch_key(item.file, item.version)  # the newest upload's notices: an earlier one's are its own batch
        body["batch"] = {
            "key": batch,
            "state": batch_state(svc.tables, batch).value,
            "counts": batch_counts(svc.tables, batch),
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
    except Hidden:
        raise
    except ApiError as exc:
        if exc.status == 404 and _released(svc, staff, file):
            raise conflict("the file was already released") from None
        raise
    if item.status != "staged":
        raise conflict(f"the file is {item.status}, not waiting to be released")
    return item


def release(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """The checked file is taken, as if uploaded to `incoming/` (its metadata kept), and its staged
    item removed: released once, whoever clicks twice. What is taken is exactly the S3 version the
    preview was computed on; a newer upload under the name must be checked (and shown) first."""
    item = _staged(svc, staff, file)
    if item.check is None:
        raise conflict("the file is still being checked")
    if item.check != "done":
        raise conflict("the file was refused whole: correct it and upload it again")
    if needs_approval(item) and not item.approved_by:
        raise conflict(
            f"this file would send more than {TWO_PEOPLE_ABOVE:,} SMS: a second uploader or support member "
            "of the province must approve it before it is released"
        )
    s3, bucket = svc.clients.s3, svc.settings.name("ingest")
    staged, taken = file.key("staged"), file.key("incoming")
    if not item.version or _current_version(svc, staged) != item.version:
        raise conflict("a newer upload of this file has not been checked yet: release it once its preview is shown")
    model = svc.tables.files
    if not delete_if(item, (model.status == "staged") & (model.check == "done") & (model.version == item.version)):
        raise conflict("the file was released or cancelled meanwhile")
    source = {"Bucket": bucket, "Key": staged, "VersionId": item.version}
    try:
        s3.copy_object(Bucket=bucket, Key=taken, CopySource=source, MetadataDirective="COPY")
    except Exception:
        item.save()  # not taken: it waits again, to be released or cancelled
        raise
    s3.delete_object(Bucket=bucket, Key=staged)
    return {"file": taken, "status": "running", "released_from": staged, "version": item.version}, staged


def needs_approval(item: FileModel) -> bool:
    """A staged file whose preview would send more than TWO_PEOPLE_ABOVE SMS."""
    preview = item.preview.as_dict() if item.preview is not None else {}
    return int(preview.get("notices") or 0) > TWO_PEOPLE_ABOVE


def approve(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """The second person's approval of a big staged file's release: an uploader or support member of
    the file's own province, not its uploader; for the version checked (a new upload needs its own)."""
    item = _staged(svc, staff, file)
    if item.check != "done":
        raise conflict("the file is not checked and accepted: there is nothing to approve")
    if not needs_approval(item):
        raise conflict(f"the file sends at most {TWO_PEOPLE_ABOVE:,} SMS: it needs no second approval")
    if staff.province_code != item.province_code:
        raise forbidden("only staff of the file's own province approve it", subject=item.file)
    if staff.username == item.uploaded_by:
        raise forbidden("a file is approved by a second person, not its uploader", subject=item.file)
    if item.approved_by:
        raise conflict(f"the file was already approved by {item.approved_by}")
    if not mark_approved(svc.tables.files, item, by=staff.username, at=svc.clock()):
        raise conflict("the file was approved, released, cancelled or uploaded again meanwhile")
    return {"file": item.file, "approved_by": staff.username, "version": item.version}, item.file


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


def _released(svc: Services, staff: Staff, file: FileName) -> bool:
    """The file was taken under this name, by the staff member's province (another province's is
    answered as absent): its item, else (released a moment ago, not yet read by the ingest) an object
    listed under its name. The API may not read raw uploads (a HEAD is a read), and the released
    staged item is gone, so in those seconds the name's province is unknown: it is answered as taken
    (a province's name cannot be another's, ingest/ownership.py, so this tells no more than a 409 on
    the upload would)."""
    taken = get_file(svc.tables.files, file.key("incoming"))
    if taken is not None:
        return staff.sees(taken.province_code)
    return _exists(svc, file.key("incoming"))


def _current_version(svc: Services, key: str) -> str | None:
    """The staged object's current version id, None when it is gone."""
    s3 = svc.clients.s3
    try:
        return s3.head_object(Bucket=svc.settings.name("ingest"), Key=key).get("VersionId")
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _ABSENT:
            return None
        raise


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
