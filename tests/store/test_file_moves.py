"""Every file status write is a conditional write in store/files.py that refuses a stored status the
moves table (domain/status.py, FILE_MOVES) does not let it leave, against moto."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.status import FILE_MOVES, FileStatus, ForbiddenMove
from chalicelib.store import files
from chalicelib.store.files import Upload

AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
KEY = "incoming/payments/2026-11.csv"
STAGED_KEY = "staged/payments/2026-11.csv"


def _item(svc, key: str, status: FileStatus, **values) -> files.FileModel:
    item = svc.tables.files(key, kind="payments", status=status, started_at="2026-11-25T03:00:00Z", **values)
    item.save()
    return item


def _status(svc, key: str) -> str:
    return svc.tables.files.get(key).status


def test_a_file_ends_only_from_running(svc) -> None:
    tables = svc.tables
    upload = Upload(KEY, "v1", None, "payments")
    for source in [s for s in FileStatus if s not in FILE_MOVES.sources(FileStatus.DONE)]:
        _item(svc, KEY, source, version="v1")
        for end in (FileStatus.DONE, FileStatus.REJECTED):
            ended = files.finished(
                tables, upload, status=end, finished_at="x", errors=[], errors_truncated=False, reason=None
            )
            assert ended is None and _status(svc, KEY) == source, (source, end)
    _item(svc, KEY, FileStatus.RUNNING, version="v1")
    assert files.finished(
        tables, upload, status=FileStatus.DONE, finished_at="x", errors=[], errors_truncated=False, reason=None
    )
    assert _status(svc, KEY) == FileStatus.DONE


def test_a_file_cannot_end_staged_or_cancelled_by_the_ingest(svc) -> None:
    _item(svc, KEY, FileStatus.RUNNING, version="v1")
    with pytest.raises(ForbiddenMove):
        files.finished(
            svc.tables,
            Upload(KEY, "v1", None, "payments"),
            status=FileStatus.CANCELLED,
            finished_at="x",
            errors=[],
            errors_truncated=False,
            reason=None,
        )
    assert _status(svc, KEY) == FileStatus.RUNNING


def test_a_new_upload_starts_running_only_over_an_ended_file(svc) -> None:
    tables = svc.tables
    upload = Upload(KEY, "v2", None, "payments")
    for source in FileStatus:
        replacing = _item(svc, KEY, source, version="v1")
        if FILE_MOVES.allows(source, FileStatus.RUNNING):
            assert files.start(tables, upload, AT, replacing=replacing)
            assert _status(svc, KEY) == FileStatus.RUNNING
        else:
            with pytest.raises(ForbiddenMove):
                files.start(tables, upload, AT, replacing=replacing)
            assert _status(svc, KEY) == source
    stale = _item(svc, KEY, FileStatus.DONE, version="v1")
    stale.status = FileStatus.REJECTED  # read before another writer moved it: refused, not overwritten
    assert not files.start(tables, upload, AT, replacing=stale)
    assert _status(svc, KEY) == FileStatus.DONE


def test_a_staged_upload_replaces_only_a_staged_or_cancelled_item(svc) -> None:
    tables = svc.tables
    upload = Upload(STAGED_KEY, "v2", None, "payments")
    for source in FileStatus:
        _item(svc, STAGED_KEY, source, version="v1")
        assert files.staged_started(tables, upload, AT) == (source in (FileStatus.STAGED, FileStatus.CANCELLED)), source
        assert _status(svc, STAGED_KEY) == (FileStatus.STAGED if source == FileStatus.CANCELLED else source)
        _item(svc, STAGED_KEY, source, version="v1")  # and with the event's sequencer: the same rule
        sequenced = Upload(STAGED_KEY, "v2", "0" * 32, "payments")
        assert files.staged_started(tables, sequenced, AT) == (source in FILE_MOVES.sources(FileStatus.STAGED))


def test_only_a_staged_file_is_cancelled(svc) -> None:
    tables = svc.tables
    for source in FileStatus:
        _item(svc, STAGED_KEY, source)
        assert files.mark_cancelled(tables, STAGED_KEY, AT) == (source == FileStatus.STAGED), source
        expected = FileStatus.CANCELLED if source == FileStatus.STAGED else source
        assert _status(svc, STAGED_KEY) == expected


def test_a_released_staged_item_goes_once_and_comes_back_only_where_none_is(svc) -> None:
    tables = svc.tables
    item = _item(svc, STAGED_KEY, FileStatus.STAGED, version="v1", check=FileStatus.DONE)
    assert files.take_staged(tables, item)
    assert not files.take_staged(tables, item)
    assert files.restage(tables, item)
    assert _status(svc, STAGED_KEY) == FileStatus.STAGED
    assert not files.restage(tables, item)
    _item(svc, STAGED_KEY, FileStatus.CANCELLED, version="v1", check=FileStatus.DONE)
    assert not files.take_staged(tables, item)
    assert _status(svc, STAGED_KEY) == FileStatus.CANCELLED
