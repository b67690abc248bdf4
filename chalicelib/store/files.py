"""Batch files and their progress (design notes §4, §9): one item per uploaded file.

Every write of a file's status is here, conditional on the moves domain/status.py allows
(`FILE_MOVES`): `status IN <the allowed sources>` rides on the write that exists. Ingest owns
`running`, `done` and `rejected`; a console upload to check first (`staged/…`) is
`staged` while it waits (its check, by the ingest function, writes the counts and the preview) until
an uploader releases it or it is `cancelled`. While a file runs, its item is the file's counter: each chunk adds its
rows with one atomic update, conditional on the upload being the one the item is for and on that
piece of the file not being counted yet, so a redelivered message counts nothing twice. The piece
maps (`checked`, `written`) are removed when the file ends, so a finished item stays small.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.clock import utc_iso
from chalicelib.domain.staff import NATIONAL
from chalicelib.domain.status import FILE_MOVES, FileStatus
from chalicelib.store.conditions import delete_if, save_if, update_if
from chalicelib.store.maps import plain, plain_map

MAX_ERRORS_KEPT = 20  # the console's list shows these; the report and its errors CSV hold the rest
MAX_EARLIER = 20  # earlier uploads under a name the item remembers (newest first): the console lists each
_EARLIER_FIELDS = (
    "version",
    "status",
    "uploaded_by",
    "started_at",
    "finished_at",
    "rows",
    "accepted",
    "rejected",
    "reason",
)


class _ByProvince(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_province"
        projection = AllProjection()

    province_code = UnicodeAttribute(hash_key=True)
    started_at = UnicodeAttribute(range_key=True)


class FileModel(Model):
    """One batch file. Key: `file` = the S3 key as uploaded (`incoming/<kind>/<name>.csv`; the
    console's `staged/<kind>/<name>.csv`). GSI `by_province`: `province_code` (`00` for the
    agency's own systems), `started_at` (UTC ISO): a province's files, newest first.

    `version` and `seq` are the S3 version and the event's sequencer of the upload the item is
    about; a later upload under the same name waits in `waiting` ({seq: version}) until it ends, and
    then starts the item afresh, keeping the ended one's summary in `earlier` (a batch is an upload).
    `checked` and `written` map each piece of the file handled (its first byte) to where it
    stopped and the line there: `[stop, line]`, and for a written piece `[stop, line, rows in its
    errors CSV, its bytes, rows rejected]`."""

    file = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    status = UnicodeAttribute()  # a FileStatus: running | done | rejected; the console's staged | cancelled
    province_code = UnicodeAttribute(default=NATIONAL)
    uploaded_by = UnicodeAttribute(null=True)
    started_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    chunks_total = NumberAttribute(null=True)  # known once the file has been cut
    chunks_checked = NumberAttribute(default=0)  # the first pass, chunk by chunk
    chunks_done = NumberAttribute(default=0)  # written
    rows = NumberAttribute(default=0)
    accepted = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    reason = UnicodeAttribute(null=True)  # why a file was refused whole
    reason_line = NumberAttribute(null=True)  # the line of that reason: the first one in the file wins
    errors = ListAttribute(null=True)  # the first rejected rows: {line, column, reason}
    errors_truncated = BooleanAttribute(null=True)
    version = UnicodeAttribute(null=True)
    seq = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    planned = BooleanAttribute(null=True)
    checked = MapAttribute(null=True)
    written = MapAttribute(null=True)
    waiting = MapAttribute(null=True)
    last_at = UnicodeAttribute(null=True)  # when the last piece ended: the report's finished_at
    check = UnicodeAttribute(
        null=True
    )  # a staged file's check: absent while checking, then its report's done | rejected
    preview = MapAttribute(null=True)  # a staged file's check: notices, by_template, parts, cost_usd, samples, warnings
    approved_by = UnicodeAttribute(null=True)  # a big staged file: the second person who approved its release
    approved_at = UnicodeAttribute(null=True)
    earlier = ListAttribute(null=True)  # earlier uploads' summaries, newest first (`start` keeps them): one row each
    by_province = _ByProvince()


class WithFiles(Protocol):
    """What this module needs of `Tables` (store/models.py, which binds FileModel): the files table. Named
    here so the store's modules import nothing back from models.py."""

    @property
    def files(self) -> type[FileModel]: ...


# --- reads ----------------------------------------------------------------------------------------


def get_file(tables: WithFiles, key: str) -> FileModel | None:
    model = tables.files
    try:
        return model.get(key, consistent_read=True)
    except DoesNotExist:
        return None


def province_files(tables: WithFiles, province_code: str, *, limit: int = 100) -> Iterator[FileModel]:
    """The province's files, newest first. National staff (`00`) see every province's: a scan, the
    table holding one small item per file (thousands a year), sorted here."""
    model = tables.files
    if province_code == NATIONAL:
        items = sorted(model.scan(), key=lambda f: f.started_at, reverse=True)
        yield from items[:limit]
        return
    yield from model.by_province.query(province_code, scan_index_forward=False, limit=limit)


@dataclass(frozen=True)
class Progress:
    """How far a file is: its rows so far and its chunks written of all (None: not yet cut)."""

    status: str
    rows: int
    accepted: int
    rejected: int
    chunks_done: int
    chunks_total: int | None
    chunks_checked: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "chunks_done": self.chunks_done,
            "chunks_total": self.chunks_total,
            "chunks_checked": self.chunks_checked,
        }


def progress(item: FileModel) -> Progress:
    total = item.chunks_total
    return Progress(
        status=item.status,
        rows=int(item.rows or 0),
        accepted=int(item.accepted or 0),
        rejected=int(item.rejected or 0),
        chunks_done=int(item.chunks_done or 0),
        chunks_total=int(total) if total is not None else None,
        chunks_checked=int(item.chunks_checked or 0),
    )


def pieces(attribute: MapAttribute | None) -> dict[int, list[int]]:
    """A piece map (`checked`, `written`) as {first byte: [stop, …]}."""
    return {int(start): [int(x) for x in entry] for start, entry in plain_map(attribute).items()}


_INTERNAL = frozenset({"checked", "written", "waiting", "planned", "seq", "reason_line", "last_at"})


def as_dict(item: FileModel) -> dict[str, Any]:
    """The item as plain JSON-able values, without the ingest's own bookkeeping."""
    out: dict[str, Any] = {}
    for name in FileModel.get_attributes():
        value = getattr(item, name)
        if value is None or name in _INTERNAL:
            continue
        if isinstance(value, MapAttribute | list):
            value = plain(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        out[name] = value
    return out


# --- the ingest's writes ---------------------------------------------------------------------------


def _from(model: type[FileModel], target: FileStatus, expected: FileStatus | None = None) -> Condition:
    """`status IN` the statuses a file may move to `target` from (`expected` only, when given);
    ForbiddenMove when the caller asks for a move the table forbids."""
    if expected is not None:
        FILE_MOVES.check(expected, target)
        return model.status == expected
    return model.status.is_in(*sorted(FILE_MOVES.sources(target)))


@dataclass(frozen=True)
class Upload:
    """One upload of a file: the S3 key, the version read and the event's sequencer (padded)."""

    file: str
    version: str
    seq: str | None
    kind: str
    province_code: str | None = None  # from the object's metadata: absent for the agency's systems
    uploaded_by: str | None = None

    @property
    def staged(self) -> bool:
        """A console upload to check first: read as any upload, previewed, nothing of it taken."""
        return self.file.startswith("staged/")


def in_progress(item: FileModel | None, upload: Upload) -> bool:
    """The item is about this upload and its pieces are still being counted: a file `running`, or
    a staged file whose check has not ended (the condition `_taking` writes with)."""
    if item is None or item.version != upload.version:
        return False
    if upload.staged:
        return item.status == FileStatus.STAGED and item.check is None
    return item.status == FileStatus.RUNNING


def _taking(model: type[FileModel], upload: Upload) -> Condition:
    if upload.staged:
        return (model.version == upload.version) & (model.status == FileStatus.STAGED) & model.check.does_not_exist()
    return (model.version == upload.version) & (model.status == FileStatus.RUNNING)


def start(tables: WithFiles, upload: Upload, at: datetime, *, replacing: FileModel | None) -> bool:
    """The item begins again for this upload (`running`, counters at zero); False when another
    writer moved it since `replacing` was read (the caller reads again)."""
    model = tables.files
    item = model(
        upload.file,
        kind=upload.kind or "unknown",
        status=FileStatus.RUNNING,
        province_code=upload.province_code or NATIONAL,
        uploaded_by=upload.uploaded_by,
        started_at=utc_iso(at),
        chunks_checked=0,
        chunks_done=0,
        rows=0,
        accepted=0,
        rejected=0,
        version=upload.version,
        seq=upload.seq,
        checked={},  # a map's entries are set by path: the maps must be there first
        written={},
        waiting=replacing.waiting if replacing is not None and replacing.waiting is not None else {},
        earlier=earlier_uploads(replacing, upload) or None,
    )
    if replacing is None:
        FILE_MOVES.check(None, FileStatus.RUNNING)
        condition: Condition = model.file.does_not_exist()
    else:
        condition = (model.version == replacing.version) & _from(
            model, FileStatus.RUNNING, FileStatus(replacing.status)
        )
    return save_if(item, condition)


def _stored(value: Any) -> Any:
    """A value as the map attribute stores it: a whole number, a status by its plain name."""
    if isinstance(value, float):
        return int(value)
    if isinstance(value, FileStatus):
        return value.value
    return value


def earlier_uploads(replacing: FileModel | None, upload: Upload) -> list[dict[str, Any]]:
    """The summaries the item keeps of the uploads before `upload`: the one it replaces (if it ended)
    first, then those it kept, up to MAX_EARLIER. Carried in the same put: no write more per upload."""
    if replacing is None:
        return []
    kept = [plain(entry) for entry in replacing.earlier or []]
    if replacing.status in (FileStatus.DONE, FileStatus.REJECTED) and replacing.version != upload.version:
        summary = {name: getattr(replacing, name) for name in _EARLIER_FIELDS if getattr(replacing, name) is not None}
        kept.insert(0, {k: _stored(v) for k, v in summary.items()})
    return kept[:MAX_EARLIER]


def wait(tables: WithFiles, upload: Upload, running: FileModel) -> bool:
    """A later upload of a file still running waits for it; False when it is no longer running."""
    model = tables.files
    return update_if(
        model(upload.file),
        [model.waiting[waiting_key(upload)].set(upload.version)],
        (model.version == running.version) & (model.status == FileStatus.RUNNING),
    )


def waiting_key(upload: Upload) -> str:
    """Its sequencer; an upload without one (no S3 event named it) sorts after those with one."""
    return upload.seq or f"~{upload.version}"


def planned(tables: WithFiles, upload: Upload, *, chunks: int, size: int) -> FileModel | None:
    """The file is cut into `chunks`: the item after, or None when it is no longer this upload's."""
    model = tables.files
    item = model(upload.file)
    ok = update_if(
        item,
        [model.chunks_total.set(chunks), model.planned.set(True), model.size.set(size)],
        _taking(model, upload),
    )
    return item if ok else None


def refused(tables: WithFiles, upload: Upload, reason: str, line: int, at: datetime) -> bool:
    """The file is refused whole: the first reason in the file is kept (the lowest line)."""
    model = tables.files
    return update_if(
        model(upload.file),
        [model.reason.set(reason), model.reason_line.set(line), model.last_at.set(utc_iso(at))],
        _taking(model, upload) & (model.reason_line.does_not_exist() | (model.reason_line > line)),
    )


def piece_checked(
    tables: WithFiles, upload: Upload, start_byte: int, stop: int, line: int, *, chunk_ended: bool
) -> FileModel | None:
    """The first pass over `[start_byte, stop)`: counted once. Returns the item after, or None when
    this piece was counted already (or the item is another upload's)."""
    model = tables.files
    item = model(upload.file)
    actions: list[Any] = [model.checked[str(start_byte)].set([stop, line])]
    if chunk_ended:
        actions.append(model.chunks_checked.add(1))
    ok = update_if(item, actions, _piece_condition(model, upload, model.checked, start_byte))
    return item if ok else None


@dataclass(frozen=True)
class Counts:
    rows: int
    accepted: int
    rejected: int
    listed: int  # rejected rows written to the piece's errors CSV
    size: int  # bytes of that CSV


def piece_written(
    tables: WithFiles,
    upload: Upload,
    start_byte: int,
    stop: int,
    line: int,
    counts: Counts,
    at: datetime,
    *,
    chunk_ended: bool,
) -> FileModel | None:
    """The rows of `[start_byte, stop)` taken and rejected: added once. The item after, or None."""
    model = tables.files
    item = model(upload.file)
    actions: list[Any] = [
        model.written[str(start_byte)].set([stop, line, counts.listed, counts.size, counts.rejected]),
        model.rows.add(counts.rows),
        model.accepted.add(counts.accepted),
        model.rejected.add(counts.rejected),
        model.last_at.set(utc_iso(at)),
    ]
    if chunk_ended:
        actions.append(model.chunks_done.add(1))
    ok = update_if(item, actions, _piece_condition(model, upload, model.written, start_byte))
    return item if ok else None


def _piece_condition(model: type[FileModel], upload: Upload, pieces: Any, start_byte: int) -> Condition:
    return _taking(model, upload) & pieces[str(start_byte)].does_not_exist()


def finished(
    tables: WithFiles,
    upload: Upload,
    *,
    status: FileStatus,
    finished_at: str,
    errors: Sequence[dict[str, Any]],
    errors_truncated: bool,
    reason: str | None,
) -> FileModel | None:
    """The file ends `done` or `rejected`; its piece maps go. The item after, or None when it had
    ended already (a finishing message delivered twice) or is another upload's."""
    model = tables.files
    item = model(upload.file)
    actions: list[Any] = [
        model.status.set(FileStatus(status)),
        model.finished_at.set(finished_at),
        model.errors.set(list(errors[:MAX_ERRORS_KEPT])),
        model.errors_truncated.set(errors_truncated),
        model.checked.remove(),
        model.written.remove(),
    ]
    if reason:
        actions.append(model.reason.set(reason))
    condition = (model.version == upload.version) & _from(model, FileStatus(status), FileStatus.RUNNING)
    ok = update_if(item, actions, condition)
    return item if ok else None


def next_waiting(tables: WithFiles, key: str, seq: str) -> bool:
    """The waiting upload `seq` is on its way: it leaves the map (False: someone took it first)."""
    model = tables.files
    return update_if(model(key), [model.waiting[seq].remove()], model.waiting[seq].exists())


# --- the console's staged files ---------------------------------------------------------------------


def staged_started(tables: WithFiles, upload: Upload, at: datetime) -> bool:
    """A staged file's item as its check starts: the file's counter, as `start` makes it for a file
    taken, but `staged` (`check` absent until it ends). A new upload under the same name starts
    afresh, with the S3 version it reads (its release copies exactly that version); the older
    upload's steps then find the item about another version and stop. False when a later upload
    (`upload.seq`, the event's padded sequencer) of a file still staged started already."""
    model = tables.files
    item = model(
        upload.file,
        kind=upload.kind or "unknown",
        status=FileStatus.STAGED,
        province_code=upload.province_code or NATIONAL,
        uploaded_by=upload.uploaded_by,
        started_at=utc_iso(at),
        chunks_checked=0,
        chunks_done=0,
        rows=0,
        accepted=0,
        rejected=0,
        version=upload.version,
        seq=upload.seq,
        checked={},
        written={},
    )
    replaceable = _from(model, FileStatus.STAGED)
    if upload.seq is not None:
        replaceable &= (model.status != FileStatus.STAGED) | model.seq.does_not_exist() | (model.seq <= upload.seq)
    return save_if(item, model.file.does_not_exist() | replaceable)


def staged_checked(
    tables: WithFiles,
    upload: Upload,
    *,
    status: str,
    finished_at: str,
    errors: Sequence[dict[str, Any]],
    errors_truncated: bool,
    reason: str | None,
    preview: dict[str, Any] | None,
) -> FileModel | None:
    """A staged file's check done, as `finished` ends a file taken: its first errors, its preview,
    and `check` (the report's status, done | rejected); it stays `staged`. None when it was cancelled
    while it was being checked, its check ended already, or a newer upload under its name started
    its own check (the item is about that one now)."""
    model = tables.files
    item = model(upload.file)
    actions: list[Any] = [
        model.check.set(status),
        model.finished_at.set(finished_at),
        model.errors.set(list(errors[:MAX_ERRORS_KEPT])),
        model.errors_truncated.set(errors_truncated),
        model.preview.set(preview),
        model.checked.remove(),
        model.written.remove(),
    ]
    if reason:
        actions.append(model.reason.set(reason))
    return item if update_if(item, actions, _taking(model, upload)) else None


def mark_approved(tables: WithFiles, item: FileModel, *, by: str, at: datetime) -> bool:
    """A big staged file approved by a second person, for the version checked: False when it was
    approved, released, cancelled or uploaded again meanwhile."""
    model = tables.files
    actions = [model.approved_by.set(by), model.approved_at.set(utc_iso(at))]
    condition = (
        (model.status == FileStatus.STAGED) & (model.version == item.version) & model.approved_by.does_not_exist()
    )
    return update_if(model(item.file), actions, condition)


def mark_cancelled(tables: WithFiles, key: str, at: datetime) -> bool:
    """A staged file cancelled: False when it is no longer staged (released or cancelled meanwhile)."""
    model = tables.files
    actions = [model.status.set(FileStatus.CANCELLED), model.finished_at.set(utc_iso(at))]
    return update_if(model(key), actions, _from(model, FileStatus.CANCELLED, FileStatus.STAGED))


def take_staged(tables: WithFiles, item: FileModel) -> bool:
    """A checked staged file released: its item goes (the upload runs under `incoming/`), only if it
    is still `staged`, checked and accepted, and the version checked. False when released,
    cancelled or uploaded again meanwhile."""
    model = tables.files
    checked = (model.check == FileStatus.DONE) & (model.version == item.version)
    return delete_if(item, (model.status == FileStatus.STAGED) & checked)


def restage(tables: WithFiles, item: FileModel) -> bool:
    """A release that could not copy the file: its staged item back as it was, waiting again; False
    when an item under its name was written meanwhile (a newer upload's)."""
    model = tables.files
    FILE_MOVES.check(None, FileStatus(item.status))
    return save_if(item, model.file.does_not_exist())
