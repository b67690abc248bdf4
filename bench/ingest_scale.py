"""A province-sized file through the chunked ingest, against the same file in one invocation.

    python bench/ingest_scale.py [--rows 500000] [--chunk-bytes 1048576] [--small-rows 10000]

1. Time and correctness (in-process moto, this process's CPU seconds: one core, no I/O to wait
   for). A `hi_cards` file of --rows rows, one row in 97 rejected (its card ends before it
   begins), is uploaded to a fresh moto and taken by the chunked path: S3's event, then every
   message the ingest queue gets, each handed to the real handler as its own invocation with the
   function's own Lambda clock (local/pump/lambda_events.LocalContext), chunks of --chunk-bytes. The
   baseline, in another fresh moto: the same file in ONE invocation, every step in one call
   (`ingest_object`: one chunk, no queue). ratio = chunked CPU s ÷ single CPU s (issue: <= 1.15).
   Checked: both reports count every row once (rows = accepted + rejected = --rows), their
   rejected rows' line numbers are exactly the file's (the errors CSV holds every one), the two
   reports and errors CSVs are the same, and no invocation wrote more rows than its chunk holds.
2. Memory. A file of --rows rows every one of them rejected, and one of --small-rows, each
   through the chunked path in a process of its own, against a moto server in another process (so
   that what moto stores is not counted): the peak RSS (VmHWM) of each ingest process, errors CSV
   included (streamed to S3 by multipart upload, capped at 100,000 rows). Issue: within 30 MB.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.env import moto_env  # noqa: E402

HEADER = "card_no,ss_code,valid_from,valid_to,household,facility\n"
BAD_EVERY = 97


def card(i: int, *, all_bad: bool = False) -> str:
    ss = f"{4000000000 + i}"
    if all_bad or i % BAD_EVERY == 5:
        return f"GD440{ss},{ss},2026-06-01,2026-01-01,Y,Trạm y tế xã {i % 1000}\n"
    return f"GD440{ss},{ss},2026-01-01,2026-12-31,{'Y' if i % 2 else 'N'},Trạm y tế xã {i % 1000}\n"


def cards_file(rows: int, *, all_bad: bool = False) -> bytes:
    return (HEADER + "".join(card(i, all_bad=all_bad) for i in range(rows))).encode()


def bad_lines(rows: int) -> list[int]:
    return [i + 2 for i in range(rows) if i % BAD_EVERY == 5]  # the header is line 1


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


# --- 1. time and correctness ------------------------------------------------------------------------


def _fresh_stack(chunk_bytes: int) -> tuple[Any, Any, Any]:
    from datetime import datetime

    import boto3

    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock
    from chalicelib.services import Services, use_services
    from local.stack.resources import create_stack

    stack = create_stack(boto3.session.Session())
    settings = Settings.from_env({**os.environ, "INGEST_CHUNK_BYTES": str(chunk_bytes)})
    svc = Services(settings=settings, clock=fixed_clock(datetime(2026, 11, 25, 10, 0, tzinfo=ICT)))
    use_services(svc)
    _ = svc.clients.s3, svc.clients.dynamodb, svc.clients.sqs, svc.tables, svc.id_hash_key()  # a warm Lambda
    return stack, svc, boto3.client("sqs")


def _outputs(svc: Any, bucket: str, name: str) -> tuple[dict[str, Any], str, int]:
    s3 = svc.clients.s3
    report = json.loads(s3.get_object(Bucket=bucket, Key=f"reports/hi_cards/{name}.json")["Body"].read())
    errors = s3.get_object(Bucket=bucket, Key=f"reports/hi_cards/{name}.errors.csv")["Body"].read().decode()
    return report, errors, svc.tables.ledger.count()


def run_chunked(data: bytes, chunk_bytes: int) -> dict[str, Any]:
    from moto import mock_aws

    from chalicelib.handlers import ingest as handler
    from chalicelib.ingest.objects import load_plan
    from chalicelib.ingest.pieces import upload_of
    from chalicelib.store import files
    from local.pump.lambda_events import LocalContext, sqs_event

    with mock_aws():
        stack, svc, sqs = _fresh_stack(chunk_bytes)
        url = stack.ingest_queue_url
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        invocation = {"n": 0}
        rows_by: Counter = Counter()
        real = files.piece_written

        def spy(model, upload, start, stop, line, counts, at, **kw):  # type: ignore[no-untyped-def]
            rows_by[invocation["n"]] += counts.rows
            return real(model, upload, start, stop, line, counts, at, **kw)

        files.piece_written = spy  # type: ignore[assignment]
        svc.clients.s3.put_object(Bucket=stack.bucket, Key="incoming/hi_cards/big.csv", Body=data)
        started, wall = time.process_time(), time.monotonic()
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages"):
            invocation["n"] += 1
            answer = handler.handle(sqs_event(messages, arn), LocalContext("ingest"))
            assert answer == {"batchItemFailures": []}, answer
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        cpu, wall = time.process_time() - started, time.monotonic() - wall
        files.piece_written = real  # type: ignore[assignment]
        key = "incoming/hi_cards/big.csv"
        item = files.get_file(svc.tables, key)
        _, chunks = load_plan(svc.clients.s3, stack.bucket, upload_of(item))
        chunk_rows = max(data[c.start : c.end].count(b"\n") for c in chunks)
        report, errors, stored = _outputs(svc, stack.bucket, "big")
    return {
        "cpu_s": cpu,
        "wall_s": wall,
        "report": report,
        "errors_csv": errors,
        "stored": stored,
        "chunks": int(item.chunks_total),
        "invocations": invocation["n"],
        "most_rows_an_invocation": max(rows_by.values()),
        "most_rows_a_chunk": chunk_rows,
        "writing_invocations": len(rows_by),
    }


def run_single(data: bytes) -> dict[str, Any]:
    from moto import mock_aws

    from chalicelib.ingest.engine import ingest_object

    with mock_aws():
        stack, svc, _ = _fresh_stack(1 << 40)
        svc.clients.s3.put_object(Bucket=stack.bucket, Key="incoming/hi_cards/big.csv", Body=data)
        started, wall = time.process_time(), time.monotonic()
        ingest_object(svc, stack.bucket, "incoming/hi_cards/big.csv")
        cpu, wall = time.process_time() - started, time.monotonic() - wall
        report, errors, stored = _outputs(svc, stack.bucket, "big")
    return {"cpu_s": cpu, "wall_s": wall, "report": report, "errors_csv": errors, "stored": stored}


def check(result: dict[str, Any], rows: int) -> None:
    report, expected = result["report"], bad_lines(rows)
    assert report["status"] == "done", report
    assert (report["rows"], report["rejected"], report["accepted"]) == (rows, len(expected), rows - len(expected))
    assert result["stored"] == report["accepted"], "each accepted row stored once"
    assert [e["line"] for e in report["errors"]] == expected[:100]
    listed = [int(r[0]) for r in list(csv.reader(io.StringIO(result["errors_csv"])))[1:]]
    assert listed == expected, "the errors CSV holds every rejected row, at its own line"


# --- 2. memory ----------------------------------------------------------------------------------------


def memory_child(name: str) -> None:
    """Runs in its own process against the moto server: the chunked path over one uploaded file."""
    import boto3

    from chalicelib.handlers import ingest as handler
    from local.pump.lambda_events import LocalContext, sqs_event

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bhxh-local-ingest")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages"):
        assert handler.handle(sqs_event(messages, arn), LocalContext("ingest")) == {"batchItemFailures": []}
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    s3 = boto3.client("s3")
    report = json.loads(s3.get_object(Bucket="bhxh-local-ingest", Key=f"reports/hi_cards/{name}.json")["Body"].read())
    size = s3.head_object(Bucket="bhxh-local-ingest", Key=f"reports/hi_cards/{name}.errors.csv")["ContentLength"]
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb(), 1), "report": report, "errors_csv_bytes": size}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory(sizes: list[int], chunk_bytes: int) -> dict[int, dict[str, Any]]:
    import boto3

    port = _free_port()
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "INGEST_CHUNK_BYTES": str(chunk_bytes)}
    server = subprocess.Popen(
        [sys.executable, "-m", "local.moto.server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        os.environ["AWS_ENDPOINT_URL"] = env["AWS_ENDPOINT_URL"]
        from local.stack.resources import create_stack

        stack = create_stack(boto3.session.Session())
        out = {}
        for rows in sizes:
            name = f"bad-{rows}"
            boto3.client("s3").put_object(
                Bucket=stack.bucket, Key=f"incoming/hi_cards/{name}.csv", Body=cards_file(rows, all_bad=True)
            )
            answer = subprocess.run(
                [sys.executable, __file__, "--memory-child", name], env=env, capture_output=True, text=True, check=False
            )
            if answer.returncode:
                raise RuntimeError(f"the memory run of {rows} rows failed:\n{answer.stderr[-3000:]}")
            out[rows] = json.loads(answer.stdout.strip().splitlines()[-1])
        return out
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--chunk-bytes", type=int, default=1 << 20, help="the chunked path's chunk size")
    parser.add_argument("--small-rows", type=int, default=10_000, help="the memory baseline's file")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-time", action="store_true")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = os.environ.get("AWS_ENDPOINT_URL")
    moto_env(POWERTOOLS_METRICS_DISABLED="true")
    if args.memory_child:  # its parent points it at the moto server it started
        os.environ["AWS_ENDPOINT_URL"] = str(server)
        memory_child(args.memory_child)
        return

    result: dict[str, Any] = {"bench": "ingest_scale", "rows": args.rows, "chunk_bytes": args.chunk_bytes}
    if not args.no_time:
        data = cards_file(args.rows)
        chunked = run_chunked(data, args.chunk_bytes)
        check(chunked, args.rows)
        single = run_single(data)
        check(single, args.rows)
        assert chunked["report"]["errors"] == single["report"]["errors"]
        assert chunked["errors_csv"] == single["errors_csv"], "the same errors CSV, whole or in chunks"
        assert chunked["most_rows_an_invocation"] <= chunked["most_rows_a_chunk"], "one chunk an invocation at most"
        print(
            f"chunked: {args.rows} rows in {chunked['chunks']} chunks, {chunked['invocations']} invocations "
            f"({chunked['writing_invocations']} writing, at most {chunked['most_rows_an_invocation']} rows each; "
            f"largest chunk {chunked['most_rows_a_chunk']} rows): {chunked['cpu_s']:.1f} CPU s "
            f"({chunked['wall_s']:.0f} s wall); one invocation: {single['cpu_s']:.1f} CPU s "
            f"({single['wall_s']:.0f} s wall)"
        )
        result.update(
            chunked_cpu_s=round(chunked["cpu_s"], 1),
            single_cpu_s=round(single["cpu_s"], 1),
            ratio=round(chunked["cpu_s"] / single["cpu_s"], 3),
            chunks=chunked["chunks"],
            invocations=chunked["invocations"],
            most_rows_an_invocation=chunked["most_rows_an_invocation"],
            most_rows_a_chunk=chunked["most_rows_a_chunk"],
            rejected=chunked["report"]["rejected"],
            report_right=True,
            timing="process CPU seconds (moto in-process), one core",
        )
    if not args.no_memory:
        mem = memory([args.small_rows, args.rows], args.chunk_bytes)
        small, big = mem[args.small_rows], mem[args.rows]
        assert big["report"]["rejected"] == args.rows
        assert big["report"].get("errors_truncated", False) is (args.rows > 100_000)
        print(
            f"memory, every row rejected: {args.small_rows} rows peak {small['peak_rss_mb']} MB "
            f"(errors CSV {small['errors_csv_bytes']} bytes), {args.rows} rows peak {big['peak_rss_mb']} MB "
            f"(errors CSV {big['errors_csv_bytes']} bytes, first 100,000 rows)"
        )
        result.update(
            memory_small_mb=small["peak_rss_mb"],
            memory_large_mb=big["peak_rss_mb"],
            memory_growth_mb=round(big["peak_rss_mb"] - small["peak_rss_mb"], 1),
            errors_csv_bytes=big["errors_csv_bytes"],
        )
        result.setdefault("ratio", None)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
