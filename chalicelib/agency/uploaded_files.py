"""The console's files: the province's list, one file's report and preview, its errors CSV, and the
release or cancellation of a staged file. Reads the `files` table (store/files.py) and the reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib.agency.identity import Hidden, forbidden, hidden
from chalicelib.agency.names import FileName, Stage
from chalicelib.domain.file_reasons import explain
from chalicelib.domain.file_view import LISTED, Seen, ShownStatus, actions, listed, shown
from chalicelib.domain.staff import Staff
from chalicelib.domain.status import FileStatus
from chalicelib.ingest import release as ingest_release
from chalicelib.ingest.kinds import KINDS
from chalicelib.services import Services
from chalicelib.store.batches import BatchState, batch_counts, batch_key, batches_seen
from chalicelib.store.files import FileModel, as_dict, get_file, province_files
from chalicelib.store.maps import plain
from chalicelib.web.errors import ApiError, bad_input, conflict, not_found

STATUSES = LISTED + tuple(s.value for s in ShownStatus if s.value not in LISTED)  # what `?status=` takes
LINK_EXPIRES_S = 300
MAX_LISTED = 100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _seen(item: FileModel, batch: tuple[BatchState, int] | None) -> Seen:
    state, left = batch if batch is not None else (None, 0)
    return Seen(stored=item.status, check=item.check, batch_state=state.value if state else None, unsent=left)


def _batch_of(item: FileModel) -> str | None:
    """The upload's batch (file and version), for a taken file; None for a staged or refused one."""
    if item.status in (FileStatus.RUNNING, FileStatus.DONE) and item.file.startswith("incoming/"):
        return batch_key(item.file, item.version)
    return None


def _summary(item: FileModel, batch: tuple[BatchState, int] | None = None) -> dict[str, Any]:
    data = as_dict(item)
    stage, _, rest = item.file.partition("/")
    data["stage"] = stage
    seen = _seen(item, batch)
    data["status"] = listed(seen)  # the contract's five
    data["shown_status"] = shown(seen).value  # what the clerk is told (domain/file_view.py)
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
    if batch is not None:
        data["unsent"] = batch[1]
    data["newest"] = True
    data["actions"] = actions(
        seen, needs_approval=ingest_release.needs_approval(item), approved=bool(item.approved_by)
    )  # the buttons the page offers (the routes still decide)
    for bulky in ("errors", "preview", "earlier"):
        data.pop(bulky, None)
    return data


def _earlier_rows(item: FileModel, states: dict[str, tuple[BatchState, int]]) -> list[dict[str, Any]]:
    """One row per earlier upload the item remembers (store/files.py, `earlier`): each is its own
    batch, told apart by its version; only the newest upload is acted on."""
    rows = []
    for entry in item.earlier or []:
        data = {k: int(v) if isinstance(v, float) else v for k, v in plain(entry).items()}
        batch = batch_key(item.file, data.get("version")) if data.get("status") == "done" else None
        seen = Seen(stored=str(data.get("status")), batch_state=None, unsent=0)
        if batch is not None:
            state, left = states.get(batch, (BatchState.ACTIVE, 0))
            seen = Seen(stored="done", batch_state=state.value, unsent=left)
            data["unsent"] = left
        stage, _, rest = item.file.partition("/")
        data.update(
            file=item.file,
            kind=item.kind,
            province_code=item.province_code,
            stage=stage,
            name=rest.split("/", 1)[-1].removesuffix(".csv"),
            status=listed(seen),
            shown_status=shown(seen).value,
            newest=False,
            progress={"chunks_done": 1, "chunks_total": 1, "percent": 100},
            actions=actions(seen, newest=False),
        )
        why = explain(data.get("reason")) if data["status"] == "rejected" and data.get("reason") else None
        if why is not None:
            data["reason_text"] = why.as_dict()
        rows.append(data)
    return rows


def _earlier_batches(item: FileModel) -> list[str]:
    entries = [plain(e) for e in item.earlier or []]
    return [batch_key(item.file, e.get("version")) for e in entries if e.get("status") == "done"]


def list_files(svc: Services, staff: Staff, query: dict[str, str]) -> dict[str, Any]:
    """The staff member's province's uploads, newest first, each upload a row (an earlier upload
    under a name too); `kind`, `status`, `since` (a day) narrow it: a status of the contract's five
    is matched against `status`, `checking`, `paused` or `stopped` against `shown_status`. The taken ones' batch states
    and unsent counts are read in one BatchGetItem for the page (store/batches.py; a `status` asked
    reads the batches of the province's last 500 files, a BatchGetItem per 50)."""
    kind, status, since = query.get("kind"), query.get("status"), query.get("since")
    if kind and kind not in KINDS:
        raise bad_input("kind", f"one of {', '.join(sorted(KINDS))}")
    if status and status not in STATUSES:
        raise bad_input("status", f"one of {', '.join(STATUSES)}")
    if since and not _DAY.match(since):
        raise bad_input("since", "a day, YYYY-MM-DD")
    items = []
    for item in province_files(svc.tables, staff.province_code, limit=500):
        if not staff.sees(item.province_code) or (kind and item.kind != kind):
            continue
        items.append(item)
        if len(items) >= MAX_LISTED and not status:  # a status is known once the batches are read
            break
    wanted = [b for item in items for b in [_batch_of(item), *_earlier_batches(item)] if b is not None]
    states = batches_seen(svc.tables, wanted)
    rows = []
    for item in items:
        batch = _batch_of(item)
        rows.append(_summary(item, states.get(batch) if batch else None))
        rows.extend(_earlier_rows(item, states))
    rows.sort(key=lambda r: str(r.get("started_at") or ""), reverse=True)
    field = "status" if status in LISTED else "shown_status"  # a contract status, or one only the console tells
    out = [r for r in rows if (not status or r[field] == status) and (not since or r["started_at"] >= since)]
    return {"files": out[:MAX_LISTED], "province_code": staff.province_code}


def find_file(
    svc: Services, staff: Staff, file: FileName, stages: tuple[Stage, ...] = ("staged", "incoming")
) -> FileModel:
    """The file's item, if the staff member may see it: a staged one waiting for someone first, then
    the file taken under that name, then a staged one cancelled."""
    found = {stage: get_file(svc.tables, file.key(stage)) for stage in stages}
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
    batch = _batch_of(item)
    seen = batches_seen(svc.tables, [batch])[batch] if batch else None  # the newest upload's batch
    body = _summary(item, seen)  # its buttons from the tally its routes decide by: a button shown is one that works
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
    if batch is not None and seen is not None:  # the newest upload's notices: an earlier one's are its own batch
        body["batch"] = {
            "key": batch,
            "state": seen[0].value,
            "unsent": seen[1],
            "counts": batch_counts(svc.tables, batch),  # exact: the page's table of its notices by status
        }
    body["earlier"] = _earlier_rows(item, batches_seen(svc.tables, _earlier_batches(item)) if item.earlier else {})
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
    taken = get_file(svc.tables, file.key("incoming"))
    if taken is not None:
        return staff.sees(taken.province_code)
    return _exists(svc, file.key("incoming"))


def _exists(svc: Services, key: str) -> bool:
    """An object is under `key`, found by listing its name: the API may not read raw uploads (a
    HEAD is a read), and the ingest may not have made the file's item yet."""
    listed = svc.clients.s3.list_objects_v2(Bucket=svc.settings.name("ingest"), Prefix=key, MaxKeys=1)
    return any(entry.get("Key") == key for entry in listed.get("Contents", []))
