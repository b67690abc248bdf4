"""An upload arrives: which one it is, whether it goes now, and where its file is cut.

Uploads of one name are taken one at a time and in the order S3 gives them (the event's
sequencer): a second upload while the first runs waits in the file's item until the first ends; an
upload older than the one already taken is not taken (the newer one holds the file's values); the
same event delivered again starts nothing new. The plan step reads the header, refuses a file whose
header cannot be read by the contract's rules, and cuts the rest into chunks at record boundaries
(ingest/plan.py), carrying on in another invocation when its time runs short.
"""

from __future__ import annotations

import io
import math
from dataclasses import replace
from enum import Enum
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from chalicelib.domain.deadline import Deadline
from chalicelib.domain.status import FileStatus
from chalicelib.ingest.objects import current_object, read_range, save_plan, version_args
from chalicelib.ingest.ownership import refused_for_owner
from chalicelib.ingest.plan import Cutter
from chalicelib.ingest.reader import SNIFF_BYTES, Form, NotCsv, detect_form, read_header
from chalicelib.ingest.tasks import Piece, Task
from chalicelib.ingest.xlsx import REFUSED
from chalicelib.services import Services
from chalicelib.store import files
from chalicelib.store.files import FileModel, Upload

logger = Logger(child=True)

MAX_CHUNKS = 1000  # a bigger file gets bigger chunks: the file's counter item stays small
HEADER_BYTES = SNIFF_BYTES  # a header within the line cap, with its CRLF: what the form is found from
SCAN_BLOCK = 8 << 20
SEQ_WIDTH = 32
MAX_NAME = 64  # characters of a header name carried from step to step


class FileGone(RuntimeError):
    """The object (or the version the event named) is not there: deleted, or a test event."""


class Admission(Enum):
    START = "start"  # taken now
    PLAN_AGAIN = "plan again"  # this upload, whose cutting never finished: cut it again
    CARRY_ON = "carry on"  # this upload, cut and running: its event came again (its invocation died?)
    WAIT = "wait"  # another upload of the file is running: after it
    DUPLICATE = "duplicate"  # this upload is running or ended already
    SUPERSEDED = "superseded"  # a newer upload of the file was taken


def padded(sequencer: str | None) -> str | None:
    """S3's sequencers compare as hex once the shorter is left-padded with zeros."""
    return sequencer.upper().rjust(SEQ_WIDTH, "0") if sequencer else None


def admission(item: FileModel | None, upload: Upload) -> Admission:
    if item is None or item.status not in (FileStatus.RUNNING, FileStatus.DONE, FileStatus.REJECTED):
        return Admission.START
    if item.version == upload.version:
        if item.status == FileStatus.RUNNING:
            return Admission.CARRY_ON if item.planned else Admission.PLAN_AGAIN
        return Admission.DUPLICATE
    if item.seq and upload.seq and upload.seq < item.seq:
        return Admission.SUPERSEDED
    if item.status == FileStatus.RUNNING:
        return Admission.WAIT
    return Admission.START


def admit(svc: Services, bucket: str, key: str, version: str | None, sequencer: str | None) -> list[Task]:
    """The plan step of an upload to take now, or nothing (it waits, or is not to be taken)."""
    s3 = svc.clients.s3
    try:
        head = s3.head_object(Bucket=bucket, Key=key, **({"VersionId": version} if version else {}))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NoSuchVersion", "403"):
            raise FileGone(key) from None
        raise
    upload = _upload(key, version or head.get("VersionId") or f"etag:{head['ETag']}", sequencer, head)
    # the name is another province's: its item and report stay the owner's
    if refused_for_owner(svc, key, staff=upload.uploaded_by, province_code=upload.province_code) is not None:
        return []
    resume = _resume(head)
    size = resume["size"]
    tables = svc.tables
    for _attempt in range(8):  # each turn: another writer moved the item since it was read
        item = files.get_file(tables, key)
        decided = admission(item, upload)
        if decided is Admission.START:
            if files.start(tables, upload, svc.clock(), replacing=item):
                logger.info("file taken", file=key, version=upload.version, size=size)
                return [Task("plan", upload, bucket=bucket, resume=resume)]
        elif decided is Admission.PLAN_AGAIN:
            return [Task("plan", upload, bucket=bucket, resume=resume)]
        elif decided is Admission.CARRY_ON and item is not None:
            from chalicelib.ingest.pieces import unfinished  # a redelivered event's path only: not at cold start

            logger.info("upload carried on", file=key, version=upload.version)
            return unfinished(svc, bucket, item)
        elif decided is Admission.WAIT:
            if item is not None and files.wait(tables, upload, item):
                logger.info("upload waits for the one before it", file=key, version=upload.version)
                return []
        else:
            logger.info("upload not taken", file=key, version=upload.version, why=decided.value)
            return []
    raise RuntimeError(f"the item of {key} kept changing")


def admit_staged(svc: Services, bucket: str, key: str, version: str | None, sequencer: str | None) -> list[Task]:
    """A console upload to check first (`staged/…`): the plan step of its check, run as any upload's
    but previewed, not taken (ingest/preview.py). Only the name's latest upload is checked; a later
    upload under the name restarts the check for itself; the same event delivered again carries on
    the check under way, or starts nothing when it has ended."""
    s3, tables = svc.clients.s3, svc.tables
    head = current_object(s3, bucket, key)
    latest = head.get("VersionId") if head is not None else None
    if head is None or (version and latest != version):
        # released, cancelled or uploaded again since the event: a newer upload has its own event
        logger.info("staged upload no longer the file's latest", file=key, version=version)
        return []
    upload = _upload(key, latest or f"etag:{head['ETag']}", sequencer, head)
    # the name is another province's: its item and report stay the owner's
    if refused_for_owner(svc, key, staff=upload.uploaded_by, province_code=upload.province_code) is not None:
        return []
    item = files.get_file(tables, key)
    if item is not None and item.version == upload.version and item.status == FileStatus.STAGED:
        if item.check is not None:
            logger.info("staged upload checked already", file=key, version=upload.version)
            return []
        if item.planned:
            from chalicelib.ingest.pieces import unfinished  # a redelivered event's path only: not at cold start

            return unfinished(svc, bucket, item)
    elif not files.staged_started(tables, upload, svc.clock()):
        logger.info("staged upload superseded by a later one", file=key, version=upload.version)
        return []
    return [Task("plan", upload, bucket=bucket, resume=_resume(head))]


def _upload(key: str, version: str, sequencer: str | None, head: dict[str, Any]) -> Upload:
    metadata = head.get("Metadata") or {}
    return Upload(
        file=key,
        version=version,
        seq=padded(sequencer),
        kind=key.split("/", 2)[1] if key.count("/") >= 2 else "",
        province_code=_province(metadata.get("province-code")),
        uploaded_by=(metadata.get("uploaded-by") or None),
    )


def _resume(head: dict[str, Any]) -> dict[str, Any]:
    """The plan step's start: the object's size, and the reason a workbook that could not be read
    as CSV (ingest/xlsx.py) is refused with."""
    metadata = head.get("Metadata") or {}
    return {"size": int(head["ContentLength"]), **({"refused": metadata[REFUSED]} if metadata.get(REFUSED) else {})}


def _province(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if len(value) == 2 and value.isascii() and value.isdigit() else None


def plan(svc: Services, task: Task, deadline: Deadline) -> list[Task]:
    """Cut the file: the check step of each chunk, or the finish of a file refused by its header."""
    from chalicelib.ingest.kinds import KINDS  # the kinds' rules load with the first plan, not at cold start

    upload, bucket, s3 = task.upload, task.bucket, svc.clients.s3
    size = int(task.resume["size"])
    kind = KINDS.get(upload.kind)
    if kind is None:
        return _refuse(svc, task, f"unknown kind: {upload.kind!r}", 1)
    if task.resume.get("refused"):
        return _refuse(svc, task, str(task.resume["refused"]), 1)
    chunk_bytes = max(svc.settings.ingest_chunk_bytes, math.ceil(size / MAX_CHUNKS))
    state = task.resume.get("cutting")
    if state is None:
        if size == 0:
            return _refuse(svc, task, "empty file: no header row", 1)
        head = read_range(s3, bucket, upload, 0, min(size, HEADER_BYTES)).read()
        try:
            form = detect_form(head, whole=len(head) >= size)
            header = read_header(io.BytesIO(head), form)
        except NotCsv as exc:
            return _refuse(svc, task, str(exc), exc.line)
        if header.end >= len(head) and len(head) < size:
            return _refuse(svc, task, "line over 1 MiB (line 1)", 1)
        missing = [c for c in kind.required if c not in header.names]
        if missing:
            return _refuse(svc, task, f"missing required column: {', '.join(missing)}", 1)
        # names go in every step's message (SQS takes 256 KiB): the kinds' own are short, and an
        # unknown column's name is only ever shown
        names = [name[:MAX_NAME] for name in header.names]
        cutter = Cutter(header.end, header.lines + 1, chunk_bytes, form.delimiter)
    else:
        names, form = state["header"], Form.from_json(state.get("form"))
        cutter = Cutter(state["pos"], state["line"], chunk_bytes, form.delimiter)
        cutter.cuts = [tuple(c) for c in state["cuts"]]  # type: ignore[misc]
    if size - cutter.cuts[0][0] > chunk_bytes:
        body = s3.get_object(Bucket=bucket, Key=upload.file, Range=f"bytes={cutter.pos}-", **version_args(upload))
        stream, at = body["Body"], cutter.pos
        try:
            while at < size and not cutter.stuck:
                block = stream.read(SCAN_BLOCK)
                if not block:
                    break
                at += len(block)
                cutter.feed(block, eof=at >= size)
                if at < size and deadline.short():  # carry on from the last boundary elsewhere
                    cuts = [list(c) for c in cutter.cuts]
                    at_cut = {"pos": cutter.pos, "line": cutter.line, "cuts": cuts, "form": form.to_json()}
                    resume = {"cutting": {"header": names, **at_cut}}
                    return [replace(task, resume={"size": size, **resume})]
        finally:
            stream.close()
    chunks = cutter.chunks(size)
    save_plan(s3, bucket, upload, names, chunks, form)
    if files.planned(svc.tables, upload, chunks=len(chunks), size=size) is None:
        return []  # another upload of the file took over
    logger.info("file cut", file=upload.file, chunks=len(chunks), size=size, encoding=form.encoding)
    return [Task("check", upload, bucket=bucket, piece=Piece.of(c), form=form) for c in chunks]


def _refuse(svc: Services, task: Task, reason: str, line: int) -> list[Task]:
    files.refused(svc.tables, task.upload, reason, line, svc.clock())
    return [Task("finish", task.upload, bucket=task.bucket)]
