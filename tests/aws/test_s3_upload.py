"""An object streamed to S3 is the bytes written, in order: small ones in one put, big ones in
parts, other objects copied by S3 where they make whole parts, and carried on after a pause."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.aws.s3_upload import MIN_PART, StreamedObject
from tests.conftest import REGION

MiB = 1 << 20


@pytest.fixture
def s3(stack):
    return boto3.client("s3", region_name=REGION)


def _blob(n: int, seed: int) -> bytes:
    return bytes((i * 7 + seed) % 251 for i in range(n))


def _calls(s3, monkeypatch) -> list[str]:
    seen: list[str] = []
    for name in ("put_object", "upload_part", "upload_part_copy"):
        real = getattr(s3, name)
        monkeypatch.setattr(s3, name, lambda *a, _r=real, _n=name, **k: (seen.append(_n), _r(*a, **k))[1])
    return seen


def test_a_small_object_is_one_put(stack, s3, monkeypatch) -> None:
    calls = _calls(s3, monkeypatch)
    out = StreamedObject(s3, stack.bucket, "reports/x.csv")
    out.write(b"line,column,reason\r\n")
    assert out.close() == 20 and calls == ["put_object"]
    assert s3.get_object(Bucket=stack.bucket, Key="reports/x.csv")["Body"].read() == b"line,column,reason\r\n"


def test_pieces_small_and_big_make_the_whole_with_s3_copying_the_big_ones(stack, s3, monkeypatch) -> None:
    pieces = {"parts/a": _blob(100, 1), "parts/b": _blob(6 * MiB, 2), "parts/c": _blob(3 * MiB, 3)}
    pieces["parts/d"] = _blob(12 * MiB + 5, 4)
    for key, body in pieces.items():
        s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
    calls = _calls(s3, monkeypatch)
    through: list[int] = []
    real_get = s3.get_object

    def get(**kwargs):
        answer = real_get(**kwargs)
        through.append(int(answer["ContentLength"]))
        return answer

    monkeypatch.setattr(s3, "get_object", get)
    out = StreamedObject(s3, stack.bucket, "reports/whole.csv")
    out.write(b"head\r\n")
    for key, body in pieces.items():
        out.append_object(key, len(body))
    out.write(b"tail\r\n")
    expected = b"head\r\n" + b"".join(pieces.values()) + b"tail\r\n"
    assert out.close() == len(expected)
    assert calls.count("upload_part_copy") >= 1
    assert sum(through) < len(expected) - 8 * MiB  # most of the big piece never came through here
    assert real_get(Bucket=stack.bucket, Key="reports/whole.csv")["Body"].read() == expected


def test_a_paused_upload_carries_on_elsewhere(stack, s3) -> None:
    first = StreamedObject(s3, stack.bucket, "reports/paused.csv")
    first.write(_blob(9 * MiB, 5))
    state, buffered = first.pause()
    assert state.upload_id and len(buffered) == 4 * MiB  # a part (5 MiB) sent, the rest carried
    second = StreamedObject(s3, stack.bucket, "reports/paused.csv", state=state, buffered=buffered)
    second.write(b"the end")
    second.close()
    body = s3.get_object(Bucket=stack.bucket, Key="reports/paused.csv")["Body"].read()
    assert body == _blob(9 * MiB, 5) + b"the end"


def test_parts_are_never_smaller_than_s3_takes(stack, s3, monkeypatch) -> None:
    sizes: list[int] = []
    real = s3.upload_part
    monkeypatch.setattr(s3, "upload_part", lambda **k: (sizes.append(len(k["Body"])), real(**k))[1])
    s3.put_object(Bucket=stack.bucket, Key="parts/e", Body=_blob(5 * MiB + 1, 6))
    out = StreamedObject(s3, stack.bucket, "reports/sizes.csv")
    out.write(_blob(MiB, 7))
    out.append_object("parts/e", 5 * MiB + 1)
    out.write(_blob(MiB, 8))
    out.close()
    assert all(size >= MIN_PART for size in sizes[:-1])
