"""One piece of a file, read twice: first checked (UTF-8, CSV, the line cap), then written.

Every piece of every chunk is checked before any is written: a file refused as a whole changes
nothing. A piece is read by a ranged GET of the upload's version, its rows numbered as the file
numbers them; each invocation looks at the time it has left every few hundred rows, and when it runs
short it stops after a row, counts what it did and hands the rest of its chunk on. What a piece did
is added to the file's counter once (store/files.py): a message delivered twice, or an invocation
killed after its update, counts nothing twice, and whatever its update left unsent is sent again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from chalicelib.aws.s3_upload import StreamedObject
from chalicelib.domain.deadline import Deadline
from chalicelib.ingest.changes import phone_changes
from chalicelib.ingest.kinds import KINDS, Context, Kind, Record, parse_row
from chalicelib.ingest.objects import errors_key, first_errors_key, read_plan, read_range
from chalicelib.ingest.plan import Chunk
from chalicelib.ingest.province_gate import gate
from chalicelib.ingest.reader import MAX_FIELD_BYTES, NotCsv, Row, rows
from chalicelib.ingest.report import MAX_ERROR_ROWS, ErrorRows
from chalicelib.ingest.tasks import Piece, Task
from chalicelib.services import Services
from chalicelib.store import files
from chalicelib.store.batches import batch_key
from chalicelib.store.files import Counts, FileModel, Upload
from chalicelib.store.writer import RecordWriter

if TYPE_CHECKING:
    from chalicelib.ingest.preview import Preview, PreviewSink

logger = Logger(child=True)

EVERY = 32  # rows between two looks at the clock (a look costs a fraction of a microsecond)


def check(svc: Services, task: Task, deadline: Deadline) -> list[Task]:
    """The first pass over one piece: nothing is written but the file's counter."""
    upload, piece = task.upload, _piece(task)
    tables = svc.tables
    item = files.get_file(tables, upload.file)
    if not current(item, upload):
        return []
    if piece.start in files.pieces(item.checked):  # type: ignore[union-attr]
        return _checked_already(svc, task, item)  # type: ignore[arg-type]
    stop, line = piece.end, piece.line
    body = read_range(svc.clients.s3, task.bucket, upload, piece.start, piece.end)
    try:
        for n, row in enumerate(rows(body, [], first_line=piece.line, form=task.form)):
            if n % EVERY == EVERY - 1 and piece.start + row.end < piece.end and deadline.short():
                stop, line = piece.start + row.end, row.next_line
                break
    except NotCsv as exc:
        logger.info("file refused", file=upload.file, reason=str(exc))
        files.refused(tables, upload, str(exc), exc.line, svc.clock())
    finally:
        body.close()
    done = files.piece_checked(tables, upload, piece.start, stop, line, chunk_ended=stop >= piece.end)
    if done is None:
        item = files.get_file(tables, upload.file)
        return _checked_already(svc, task, item) if current(item, upload) else []  # type: ignore[arg-type]
    rest = [replace(task, piece=piece.rest(stop, line))] if stop < piece.end else []
    return rest + _after_checks(svc, task.bucket, done)


def _checked_already(svc: Services, task: Task, item: FileModel) -> list[Task]:
    """A piece found counted: its rest, if it stopped short and the rest is not counted, and the
    writes, if every chunk is checked (they may have been sent: a write is counted once)."""
    piece, checked = _piece(task), files.pieces(item.checked)
    stop, line = checked[piece.start][:2]
    rest = [replace(task, piece=piece.rest(stop, line))] if stop < piece.end and stop not in checked else []
    return rest + _after_checks(svc, task.bucket, item)


def _after_checks(svc: Services, bucket: str, item: FileModel) -> list[Task]:
    """Once every chunk is checked: the finish of a refused file, else the writes."""
    if item.chunks_total is None or int(item.chunks_checked or 0) < int(item.chunks_total):
        return []
    upload = upload_of(item)
    if item.reason:  # refused whole: nothing is written
        return [Task("finish", upload, bucket=bucket)]
    plan = read_plan(svc.clients.s3, bucket, upload)
    first = plan.chunks[:1] if KINDS[upload.kind].ordered else plan.chunks
    return [Task("write", upload, bucket=bucket, piece=Piece.of(c), header=plan.header, form=plan.form) for c in first]


def write(svc: Services, task: Task, deadline: Deadline) -> list[Task]:
    """The second pass over one piece: its valid rows written, its rejected rows streamed to its
    own errors CSV, both counted."""
    upload, piece = task.upload, _piece(task)
    tables = svc.tables
    item = files.get_file(tables, upload.file)
    if not current(item, upload):
        return []
    written = files.pieces(item.written)  # type: ignore[union-attr]
    if piece.start in written:
        return _written_already(svc, task, item)  # type: ignore[arg-type]
    # the errors CSV stops after its first 100,000 rejected rows: those of the pieces before this one
    # that are counted already are known, so this piece lists no more than the rest
    listed_before = sum(entry[2] for start, entry in written.items() if start < piece.start)
    kind = KINDS[upload.kind]
    header = task.header or []
    ctx = Context(
        now=svc.clock(),
        id_hash_key=svc.id_hash_key() if kind.name == "people" else None,
        file=upload.file,
        version=upload.version,
        columns=frozenset(header),
        taken_at=item.started_at,  # type: ignore[union-attr]
    )
    s3 = svc.clients.s3
    out = StreamedObject(s3, task.bucket, errors_key(upload, piece.start), content_type="text/csv; charset=utf-8")
    rejected = ErrorRows(out.write, limit=max(0, MAX_ERROR_ROWS - listed_before))
    tally = Tally()
    writer, counted = _sink(svc, upload, kind, ctx)
    into = gate(kind, upload.province_code, svc.tables, writer, rejected, tally)
    stop, line = piece.end, piece.line
    body = read_range(s3, task.bucket, upload, piece.start, piece.end)
    try:
        for n, row in enumerate(rows(body, header, first_line=piece.line, form=task.form)):
            record = row_record(kind, row, header, ctx, rejected, tally)
            if record is not None:
                into.put(record, row)
            if n % EVERY == EVERY - 1 and piece.start + row.end < piece.end and deadline.short():
                stop, line = piece.start + row.end, row.next_line
                break
        into.close()
        writer.close()
        rejected.flush()
        size = out.close() if rejected.listed else 0
    except BaseException:
        out.abort()
        raise
    finally:
        body.close()
    if counted is not None:  # what the piece counted for the preview, kept before the piece is counted
        from chalicelib.ingest import preview  # a staged file's path only: kept out of the cold start

        preview.save_piece(s3, task.bucket, upload, piece.start, counted, into.refused)
    if rejected.first:
        s3.put_object(
            Bucket=task.bucket,
            Key=first_errors_key(upload, piece.start),
            Body=json.dumps(rejected.first, ensure_ascii=False).encode("utf-8"),
            ContentType="application/json",
        )
    counts = Counts(tally.rows, tally.accepted, rejected.rows, rejected.listed, size)
    ended = stop >= piece.end
    done = files.piece_written(tables, upload, piece.start, stop, line, counts, svc.clock(), chunk_ended=ended)
    logger.info("piece written", file=upload.file, chunk=piece.chunk, start=piece.start, stop=stop, rows=tally.rows)
    if done is None:
        item = files.get_file(tables, upload.file)
        return _written_already(svc, task, item) if current(item, upload) else []  # type: ignore[arg-type]
    if not ended:
        return [replace(task, piece=piece.rest(stop, line))]
    return _after_chunk(svc, task, done)


def _sink(svc: Services, upload: Upload, kind: Kind, ctx: Context) -> tuple[RecordWriter | PreviewSink, Preview | None]:
    """Where a piece's valid records go: the tables, or (a staged file) its preview, nothing written."""
    if upload.staged:
        from chalicelib.ingest import preview  # a staged file's path only: kept out of the cold start

        counted = preview.Preview()
        return preview.sink(svc, counted), counted
    changes = phone_changes(ctx) if kind.name == "people" else None
    return RecordWriter(svc.clients.dynamodb, svc.tables, sleep=svc.sleep, changes=changes), None


def _written_already(svc: Services, task: Task, item: FileModel) -> list[Task]:
    piece, written = _piece(task), files.pieces(item.written)
    stop, line = written[piece.start][:2]
    if stop < piece.end:
        return [] if stop in written else [replace(task, piece=piece.rest(stop, line))]
    return _after_chunk(svc, task, item)


def _after_chunk(svc: Services, task: Task, item: FileModel) -> list[Task]:
    """A chunk written: the finish after the last one, or the next chunk of an ordered kind."""
    if int(item.chunks_done or 0) >= int(item.chunks_total or 0):
        return [Task("finish", task.upload, bucket=task.bucket)]
    if not KINDS[task.upload.kind].ordered:
        return []
    plan = read_plan(svc.clients.s3, task.bucket, task.upload)
    following = [c for c in plan.chunks if c.n == _piece(task).chunk + 1]
    return [
        Task("write", task.upload, bucket=task.bucket, piece=Piece.of(c), header=plan.header, form=plan.form)
        for c in following
    ]


def unfinished(svc: Services, bucket: str, item: FileModel) -> list[Task]:
    """The steps still owed to a running upload, from its counter alone: what an event delivered
    again after an invocation died (its steps lost with it) sends once more. A step in flight
    elsewhere may be sent twice: its piece is counted once whichever runs."""
    upload = upload_of(item)
    if not item.planned:
        return []
    plan = read_plan(svc.clients.s3, bucket, upload)
    header, chunks, form = plan.header, plan.chunks, plan.form
    total = len(chunks)
    if int(item.chunks_checked or 0) < total:
        missing = _missing(chunks, files.pieces(item.checked))
        return [Task("check", upload, bucket=bucket, piece=p, form=form) for p in missing]
    if item.reason:
        return [Task("finish", upload, bucket=bucket)]
    if int(item.chunks_done or 0) < total:
        missing = _missing(chunks, files.pieces(item.written))
        if KINDS[upload.kind].ordered:
            missing = missing[:1]
        return [Task("write", upload, bucket=bucket, piece=p, header=header, form=form) for p in missing]
    return [Task("finish", upload, bucket=bucket)]


def _missing(chunks: list[Chunk], done: dict[int, list[int]]) -> list[Piece]:
    """The first piece not yet counted of each chunk not yet ended."""
    out = []
    for chunk in chunks:
        piece = Piece.of(chunk)
        while piece.start in done and done[piece.start][0] < chunk.end:
            stop, line = done[piece.start][:2]
            piece = piece.rest(stop, line)
        if piece.start not in done:
            out.append(piece)
    return out


@dataclass
class Tally:
    rows: int = 0
    accepted: int = 0


def row_record(
    kind: Kind, row: Row, header: list[str], ctx: Context, rejected: ErrorRows, tally: Tally
) -> Record | None:
    """The row's record, or None once its reasons are in the errors CSV."""
    tally.rows += 1
    oversized = _oversized(row.raw)
    if oversized is not None:
        column = header[oversized] if oversized < len(header) else f"column {oversized + 1}"
        rejected.add(row.line, [(column, "field over 128 KiB")], row.raw)
        return None
    record, errors = parse_row(kind, row.values, ctx)
    if record is None:
        rejected.add(row.line, [(e.column, e.reason) for e in errors], row.raw)
        return None
    tally.accepted += 1
    return record.traced(f"{batch_key(ctx.file, ctx.version)}#{row.line}") if ctx.file else record


def _oversized(cells: list[str]) -> int | None:
    if not cells or max(map(len, cells)) <= MAX_FIELD_BYTES // 4:  # the usual row: no cell near the cap
        return None
    for n, cell in enumerate(cells):  # a character is 1 to 4 bytes: only a long cell is encoded to count
        if len(cell) > MAX_FIELD_BYTES // 4 and len(cell.encode("utf-8")) > MAX_FIELD_BYTES:
            return n
    return None


def _piece(task: Task) -> Piece:
    if task.piece is None:
        raise ValueError(f"a {task.step} task names its piece")
    return task.piece


def current(item: FileModel | None, upload: Upload) -> bool:
    """The item is still about this upload, and it runs (a staged file: its check has not ended)."""
    return files.in_progress(item, upload)


def upload_of(item: FileModel) -> Upload:
    return Upload(
        file=item.file,
        version=str(item.version),
        seq=item.seq,
        kind=item.kind,
        province_code=None if item.province_code == files.NATIONAL and not item.uploaded_by else item.province_code,
        uploaded_by=item.uploaded_by,
    )
