"""Batch files and their progress (team.md, "Files and their progress"): one item per uploaded file.

Ingest writes `running` when it starts a file and `done` or `rejected` when it has finished it; the
console writes only the `staged` state (a file checked but not taken) and `cancelled`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.staff import NATIONAL
from chalicelib.store.conditions import update_if

if TYPE_CHECKING:
    from chalicelib.ingest.report import Report

MAX_ERRORS_KEPT = 20  # the console's table shows these; the errors CSV holds every one


class _ByProvince(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_province"
        projection = AllProjection()

    province_code = UnicodeAttribute(hash_key=True)
    started_at = UnicodeAttribute(range_key=True)


class FileModel(Model):
    """One batch file. Key: `file` = the S3 key as uploaded (`incoming/<kind>/<name>.csv`, or
    `staged/<kind>/<name>.csv` for a console upload to check first). GSI `by_province`:
    `province_code` (`00` for the agency's own systems), `started_at` (UTC ISO): a province's files,
    newest first."""

    file = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    status = UnicodeAttribute()  # staged | running | done | rejected | cancelled
    province_code = UnicodeAttribute(default=NATIONAL)
    uploaded_by = UnicodeAttribute(null=True)
    started_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    chunks_total = NumberAttribute(default=1)
    chunks_done = NumberAttribute(default=0)
    rows = NumberAttribute(default=0)
    accepted = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    reason = UnicodeAttribute(null=True)  # why a file was refused whole
    errors = ListAttribute(null=True)  # the first rejected rows: {line, column, reason}
    check = UnicodeAttribute(null=True)  # a staged file's check: absent while checking, then done | rejected
    preview = MapAttribute(null=True)  # a staged file's check: notices, by_template, parts, cost_usd, samples, warnings
    by_province = _ByProvince()


def file_started(model: type[FileModel], report: Report, *, status: str) -> None:
    """The file's item as its reading starts (`running`, or `staged` for a file to check): a new
    upload under the same name starts afresh."""
    model(
        report.file,
        kind=report.kind or "unknown",
        status=status,
        province_code=report.province_code or NATIONAL,
        uploaded_by=report.uploaded_by,
        started_at=_utc(report.started_at),
        chunks_total=1,
        chunks_done=0,
    ).save()


def file_finished(model: type[FileModel], report: Report, *, status: str | None = None, **extra: Any) -> None:
    """The file's counts and first errors once it is read whole; its status `done` or `rejected`
    (the report's) unless the caller says otherwise (a staged file stays `staged`)."""
    actions = [
        model.status.set(status or report.status),
        model.chunks_done.set(1),
        model.rows.set(report.rows),
        model.accepted.set(report.accepted),
        model.rejected.set(report.rejected),
        model.errors.set(report.errors[:MAX_ERRORS_KEPT]),
        model.finished_at.set(_utc(report.finished_at or report.started_at)),
    ]
    if report.reason:
        actions.append(model.reason.set(report.reason))
    actions.extend(getattr(model, name).set(value) for name, value in extra.items())
    if status == "staged":  # a staged file cancelled while it was being checked stays cancelled
        update_if(model(report.file), actions, model.status == "staged")
        return
    model(report.file).update(actions=actions)


def mark_cancelled(model: type[FileModel], key: str, at: datetime) -> bool:
    """A staged file cancelled: False when it is no longer staged (released or cancelled meanwhile)."""
    actions = [model.status.set("cancelled"), model.finished_at.set(_utc(at.isoformat()))]
    return update_if(model(key), actions, model.status == "staged")


def _utc(iso: str) -> str:
    """A report's local ISO time as the UTC ISO the index sorts on."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def get_file(model: type[FileModel], key: str) -> FileModel | None:
    try:
        return model.get(key, consistent_read=True)
    except DoesNotExist:
        return None


def province_files(model: type[FileModel], province_code: str, *, limit: int = 100) -> Iterator[FileModel]:
    """The province's files, newest first. National staff (`00`) see every province's: a scan, the
    table holding one small item per file (thousands a year), sorted here."""
    if province_code == NATIONAL:
        items = sorted(model.scan(), key=lambda f: f.started_at, reverse=True)
        yield from items[:limit]
        return
    yield from model.by_province.query(province_code, scan_index_forward=False, limit=limit)


def as_dict(item: FileModel) -> dict[str, Any]:
    """The item as plain JSON-able values."""
    out: dict[str, Any] = {}
    for name in FileModel.get_attributes():
        value = getattr(item, name)
        if value is None:
            continue
        if isinstance(value, MapAttribute):
            value = value.as_dict()
        elif isinstance(value, list):
            value = [v.as_dict() if isinstance(v, MapAttribute) else v for v in value]
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        out[name] = value
    return out
