"""What every step of an ingest shares: the upload's own version of the object, read by ranges,
and where a file's scratch goes."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from chalicelib.ingest.plan import Chunk
from chalicelib.ingest.reader import UTF8, Form
from chalicelib.store.files import Upload

# S3 answers 403, not 404, for a missing key to a role without s3:ListBucket
ABSENT = ("404", "403", "NoSuchKey", "NotFound", "AccessDenied")


def version_args(upload: Upload) -> dict[str, str]:
    """The object version the event named: an unversioned bucket's object by its ETag instead."""
    if upload.version.startswith("etag:"):
        return {"IfMatch": upload.version.removeprefix("etag:")}
    return {"VersionId": upload.version}


def read_range(s3: Any, bucket: str, upload: Upload, start: int, end: int) -> Any:
    """The body of bytes [start, end) of the upload's object, as a stream."""
    if start >= end:  # a file of a header alone has an empty chunk: S3 serves no empty range
        return io.BytesIO(b"")
    answer = s3.get_object(Bucket=bucket, Key=upload.file, Range=f"bytes={start}-{end - 1}", **version_args(upload))
    return answer["Body"]


def scratch(upload: Upload) -> str:
    """`parts/<kind>/<name>/<version>/`: one upload's pieces, until its report is assembled (the
    bucket's lifecycle rule removes them after a week)."""
    version = "".join(c if c.isalnum() or c in "-_." else "_" for c in upload.version)
    return f"parts/{upload.file.removeprefix('incoming/')}/{version}/"


def errors_key(upload: Upload, start: int) -> str:
    return f"{scratch(upload)}{start:015d}.errors.csv"


def first_errors_key(upload: Upload, start: int) -> str:
    return f"{scratch(upload)}{start:015d}.errors.json"


def preview_key(upload: Upload, start: int) -> str:
    """What a staged file's piece counted for its preview (ingest/preview.py)."""
    return f"{scratch(upload)}{start:015d}.preview.json"


def plan_key(upload: Upload) -> str:
    return f"{scratch(upload)}chunks.json"


@dataclass(frozen=True)
class Plan:
    """A file's cut: its header's names, its chunks, and its form (encoding, delimiter), decided
    once from the file's head and read by every step, so every chunk is read alike."""

    header: list[str]
    chunks: list[Chunk]
    form: Form = UTF8


def save_plan(s3: Any, bucket: str, upload: Upload, header: list[str], chunks: list[Chunk], form: Form = UTF8) -> None:
    body = {"header": header, "chunks": [c.to_json() for c in chunks], "form": form.to_json()}
    s3.put_object(Bucket=bucket, Key=plan_key(upload), Body=json.dumps(body).encode(), ContentType="application/json")


def read_plan(s3: Any, bucket: str, upload: Upload) -> Plan:
    body = json.loads(s3.get_object(Bucket=bucket, Key=plan_key(upload))["Body"].read())
    chunks = [Chunk.from_json(c) for c in body["chunks"]]
    return Plan(list(body["header"]), chunks, Form.from_json(body.get("form")))


def load_plan(s3: Any, bucket: str, upload: Upload) -> tuple[list[str], list[Chunk]]:
    plan = read_plan(s3, bucket, upload)
    return plan.header, plan.chunks


def current_object(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """The object's HEAD (its `VersionId` the current version), None when it is gone."""
    try:
        return s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ABSENT:
            return None
        raise
