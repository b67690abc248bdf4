"""The ingest queue's own messages: one step of one upload of a file, each its own invocation.

`admit` takes an upload that waited for the one before it, `plan` cuts the file (and carries on
from `resume` when it ran short of time), `check` is the first pass over one piece of a chunk,
`write` the second, `finish` assembles the report once the last piece is written. A piece is a
chunk, or what is left of one: an invocation short of time stops after a row and hands the rest of
its chunk on as a new piece.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from chalicelib.ingest.plan import Chunk
from chalicelib.ingest.reader import UTF8, Form
from chalicelib.store.files import Upload

Step = Literal["admit", "plan", "check", "write", "finish"]
MARK = "bhxh-ingest"  # what tells these messages from S3's


@dataclass(frozen=True)
class Piece:
    chunk: int
    start: int  # the piece's first byte (a record boundary): its identity in the file's counter
    end: int  # its chunk's end
    line: int  # the file's line number at `start`

    @classmethod
    def of(cls, chunk: Chunk) -> Piece:
        return cls(chunk.n, chunk.start, chunk.end, chunk.line)

    def rest(self, start: int, line: int) -> Piece:
        """What is left of the chunk from `start`."""
        return replace(self, start=start, line=line)


@dataclass(frozen=True)
class Task:
    step: Step
    upload: Upload
    bucket: str = ""
    piece: Piece | None = None
    header: list[str] | None = None  # the header's names, for `write`
    form: Form = UTF8  # the file's encoding and delimiter, for `check` and `write` (from its plan)
    resume: dict[str, Any] = field(default_factory=dict)  # `plan` and `finish` carrying on

    def to_json(self) -> str:
        body: dict[str, Any] = {MARK: 1, "step": self.step, "upload": asdict(self.upload), "bucket": self.bucket}
        if self.piece is not None:
            body["piece"] = asdict(self.piece)
        if self.header is not None:
            body["header"] = self.header
        if self.form != UTF8:
            body["form"] = self.form.to_json()
        if self.resume:
            body["resume"] = self.resume
        return json.dumps(body, separators=(",", ":"))

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Task:
        piece = body.get("piece")
        return cls(
            step=body["step"],
            upload=Upload(**body["upload"]),
            bucket=body.get("bucket", ""),
            piece=Piece(**piece) if piece else None,
            header=body.get("header"),
            form=Form.from_json(body.get("form")),
            resume=body.get("resume") or {},
        )


def is_task(body: dict[str, Any]) -> bool:
    return MARK in body
