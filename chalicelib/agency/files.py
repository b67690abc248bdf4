"""The console's files: the province's list, one file's report and preview, its errors CSV, and the
release or cancellation of a staged file. Reads the `files` table (store/files.py) and the reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib.agency.identity import Hidden, forbidden, hidden
from chalicelib.agency.names import FileName, Stage
from chalicelib.api.errors import ApiError, bad_input, not_found
from chalicelib.domain.file_reasons import explain
from chalicelib.domain.staff import Staff
from chalicelib.domain.status import FileStatus
from chalicelib.ingest import release as ingest_release
from chalicelib.ingest.kinds import KINDS
from chalicelib.services import Services
from chalicelib.store.batches import batch_counts, batch_key, batch_state
from chalicelib.store.files import FileModel, as_dict, get_file, province_files

STATUSES = ("staged", "running", "done", "rejected", "cancelled")
LINK_EXPIRES_S = 300
MAX_LISTED = 100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


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
    item = staged if staged is not None and staged.status == FileStatus.STAGED else (taken or staged)
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
        "status": item.check if item.status == FileStatus.STAGED else item.status,
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
    if item.status == FileStatus.STAGED:
        body["approval"] = {
            "needed": ingest_release.needs_approval(item),
            "above_sms": ingest_release.TWO_PEOPLE_ABOVE,
            "approved_by": item.approved_by,
            "approved_at": item.approved_at,
        }
    if item.status in (FileStatus.RUNNING, FileStatus.DONE) and item.file.startswith("incoming/"):
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
    if item.status != FileStatus.STAGED:
        raise conflict(f"the file is {item.status}, not waiting to be released")
    return item


def release(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """The checked file is taken (ingest/release.py): released once, whoever clicks twice."""
    item = _staged(svc, staff, file)
    with _refused_as_conflict():
        return ingest_release.release(svc, item), item.file


def approve(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """The second person's approval of a big staged file's release: an uploader or support member of
    the file's own province, not its uploader; for the version checked (a new upload needs its own)."""
    item = _staged(svc, staff, file)
    if ingest_release.needs_approval(item) and item.check == FileStatus.DONE:
        if staff.province_code != item.province_code:
            raise forbidden("only staff of the file's own province approve it", subject=item.file)
        if staff.username == item.uploaded_by:
            raise forbidden("a file is approved by a second person, not its uploader", subject=item.file)
    with _refused_as_conflict():
        return ingest_release.approve(svc, item, by=staff.username), item.file


def cancel(svc: Services, staff: Staff, file: FileName) -> tuple[dict[str, Any], str]:
    """Nothing of the file is taken; its report says `cancelled`."""
    item = _staged(svc, staff, file)
    with _refused_as_conflict():
        return ingest_release.cancel(svc, item, by=staff.username), item.file


@contextmanager
def _refused_as_conflict() -> Iterator[None]:
    try:
        yield
    except ingest_release.NotNow as exc:
        raise conflict(str(exc)) from None


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


def _exists(svc: Services, key: str) -> bool:
    """An object is under `key`, found by listing its name: the API may not read raw uploads (a
    HEAD is a read), and the ingest may not have made the file's item yet."""
    listed = svc.clients.s3.list_objects_v2(Bucket=svc.settings.name("ingest"), Prefix=key, MaxKeys=1)
    return any(entry.get("Key") == key for entry in listed.get("Contents", []))
