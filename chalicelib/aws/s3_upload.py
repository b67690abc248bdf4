"""One S3 object written as a stream, by multipart upload: never more than a part in memory.

S3 takes parts of 5 MiB or more (only the last may be smaller), so bytes are buffered up to
`part_bytes` and sent a part at a time; an object that never fills a part is one PutObject. Another
object's bytes are appended by UploadPartCopy, S3 copying them itself, whenever they can make whole
parts; what cannot (a small object, or the head that tops up a part already begun) is read and
buffered. A writer can stop and carry on in another invocation (`state`, `resume`), at a part
boundary: what is buffered then goes in the state.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

MIN_PART = 5 << 20  # S3's smallest part but the last
PART_BYTES = MIN_PART  # the least held in memory; 10,000 parts of it is 48 GB


@dataclass
class UploadState:
    """Where a multipart upload is: its id, the parts sent (number, ETag) and the bytes so far."""

    upload_id: str | None = None
    parts: list[list[Any]] = field(default_factory=list)
    size: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"upload_id": self.upload_id, "parts": self.parts, "size": self.size}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UploadState:
        return cls(data.get("upload_id"), [list(p) for p in data.get("parts", [])], int(data.get("size", 0)))


class StreamedObject:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        *,
        content_type: str = "application/octet-stream",
        part_bytes: int = PART_BYTES,
        state: UploadState | None = None,
        buffered: bytes = b"",
        metadata: dict[str, str] | None = None,
        tags: str | None = None,
    ) -> None:
        if part_bytes < MIN_PART:
            raise ValueError("a part is 5 MiB at least")
        self._s3, self._bucket, self._key = s3, bucket, key
        self._type = content_type
        self._extra: dict[str, Any] = {"Metadata": metadata} if metadata else {}  # the object's user metadata
        if tags:
            self._extra["Tagging"] = tags  # URL-encoded `key=value&…`, as S3 takes them
        self._part_bytes = part_bytes
        self._state = state or UploadState()
        self._buffer = bytearray(buffered)

    @property
    def size(self) -> int:
        """Bytes written so far, sent or buffered."""
        return self._state.size + len(self._buffer)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._part_bytes:
            with memoryview(self._buffer) as view:  # one copy of the part, not two
                part = bytes(view[: self._part_bytes])
            del self._buffer[: self._part_bytes]
            self._send(part)

    def append_object(self, key: str, size: int) -> None:
        """The whole of another object of this bucket (`size` bytes), after what is written."""
        start = 0
        if self._buffer:  # top the buffered bytes up to a part with the object's head
            head = min(size, max(0, MIN_PART - len(self._buffer)))
            if head:
                self.write(self._read(key, 0, head))
            start = head
            if self._buffer and size - start >= MIN_PART:
                self._send(bytes(self._buffer))
                self._buffer.clear()
        rest = size - start
        if rest >= MIN_PART and not self._buffer:
            self._copy(key, start, size)
        elif rest:
            self.write(self._read(key, start, size))

    def close(self) -> int:
        """Completes the object; returns its size. Nothing written: an empty object."""
        if self._state.upload_id is None:
            self._s3.put_object(
                Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer), ContentType=self._type, **self._extra
            )
            self._state.size += len(self._buffer)
            self._buffer.clear()
            return self._state.size
        if self._buffer or not self._state.parts:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        self._s3.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._state.upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag in self._state.parts]},
        )
        return self._state.size

    def abort(self) -> None:
        """Best effort: an upload left behind is aborted by the bucket's lifecycle rule after a day."""
        if self._state.upload_id is not None:
            with contextlib.suppress(Exception):  # already failing; the lifecycle rule cleans up
                self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._state.upload_id)

    def pause(self) -> tuple[UploadState, bytes]:
        """The state to carry on from elsewhere, and the bytes still buffered."""
        return self._state, bytes(self._buffer)

    # --- S3 ---------------------------------------------------------------------------------------

    def _begin(self) -> str:
        if self._state.upload_id is None:
            answer = self._s3.create_multipart_upload(
                Bucket=self._bucket, Key=self._key, ContentType=self._type, **self._extra
            )
            self._state.upload_id = answer["UploadId"]
        return self._state.upload_id

    def _send(self, data: bytes) -> None:
        upload_id = self._begin()
        number = len(self._state.parts) + 1
        answer = self._s3.upload_part(
            Bucket=self._bucket, Key=self._key, UploadId=upload_id, PartNumber=number, Body=data
        )
        self._state.parts.append([number, answer["ETag"]])
        self._state.size += len(data)

    def _copy(self, key: str, start: int, end: int) -> None:
        upload_id = self._begin()
        number = len(self._state.parts) + 1
        answer = self._s3.upload_part_copy(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=upload_id,
            PartNumber=number,
            CopySource={"Bucket": self._bucket, "Key": key},
            CopySourceRange=f"bytes={start}-{end - 1}",
        )
        self._state.parts.append([number, answer["CopyPartResult"]["ETag"]])
        self._state.size += end - start

    def _read(self, key: str, start: int, end: int) -> bytes:
        answer = self._s3.get_object(Bucket=self._bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        return answer["Body"].read()
