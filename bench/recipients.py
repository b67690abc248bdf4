"""A batch file's recipient list at size: one page of a file of 100,000 notices (first, last, a status
filter, a CSV part), among another file's notices in the same outbox.

Prints, for each request, its CPU and wall time and the DynamoDB calls it made, and in the same run
the bare baseline of the first page (plain boto3: the file's index entries, then the page's items by
key) with the ratio of the two: the page reads the
outbox's `by_batch` index for that file only (Query pages) and the page's items by key (BatchGetItem),
never a Scan. moto answers an index query by scanning every item of the table (DynamoDB reads only
the key's partition): as bench/hotline.py does, moto's `by_batch` query is given the key's partition
only (`--moto-scans` keeps moto's own scan).

    python bench/recipients.py [--notices 5000] [--others 1000] [--repeat 1]

In process, nearly all the time is moto's (it serialises every item it reads; a profile shows 97% of
the CPU in moto): the figure that matters is the calls, the same at any size but for the Query pages
(one per MB of index entries), and the CPU outside DynamoDB calls, this code's own, which is linear
in the file's notices (one pass) and the page's rows. Defaults are small so `make bench` ends.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hotline import _partitioned_index_query
from support.env import moto_env

FILE = "incoming/payments/big.csv"


def _bare_first_page(table: str) -> float:
    """The least a first page can cost, in CPU seconds: the file's `by_batch` entries read whole (the
    page counts them), then its first PER_PAGE notices by key, with plain boto3 and nothing else."""
    import boto3

    from chalicelib.agency.paging import PER_PAGE

    ddb = boto3.client("dynamodb")
    t0 = time.process_time()
    ids: list[str] = []
    for page in ddb.get_paginator("query").paginate(
        TableName=table,
        IndexName="by_batch",
        KeyConditionExpression="#b = :b",
        ExpressionAttributeNames={"#b": "batch"},
        ExpressionAttributeValues={":b": {"S": FILE}},
    ):
        ids += [item["id"]["S"] for item in page["Items"]]
    first = ids[:PER_PAGE]
    for at in range(0, len(first), 100):
        keys = [{"id": {"S": i}} for i in first[at : at + 100]]
        ddb.batch_get_item(RequestItems={table: {"Keys": keys}})
    return time.process_time() - t0


def measure(notices: int, others: int, repeat: int, *, moto_scans: bool) -> dict[str, object]:
    import boto3
    from moto import mock_aws
    from pynamodb.connection.base import Connection

    from chalicelib.agency.names import FileName
    from chalicelib.agency.recipients import recipients
    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock, utc_iso
    from chalicelib.domain.csv_out import CsvFile
    from chalicelib.domain.staff import Role, Staff
    from chalicelib.services import Services, use_services
    from local.stack.resources import create_stack

    with mock_aws():
        create_stack(boto3.session.Session())
        now = datetime(2026, 11, 26, 10, 0, tzinfo=ICT)
        svc = Services(settings=Settings.from_env(), clock=fixed_clock(now))
        use_services(svc)
        tables = svc.tables
        tables.files(file=FILE, kind="payments", status="done", province_code="40", started_at=utc_iso(now)).save()
        started = time.perf_counter()
        with tables.notifications.batch_write() as outbox:
            for n in range(notices + others):
                batch = FILE if n < notices else "incoming/payments/other.csv"
                outbox.save(
                    tables.notifications(
                        id=f"payment_received#{n:064x}",
                        template="payment_received",
                        params={"unit_code": f"NA{n:05d}", "amount_vnd": "1000000", "paid_on": "2026-11-05"},
                        recipient_kind="employer",
                        recipient_ref=f"NA{n:05d}",
                        phone=f"+8491{n:07d}",
                        status="permanent-failure" if n % 50 == 0 else "delivered",
                        reason="InvalidParameter" if n % 50 == 0 else None,
                        created_at=utc_iso(now),
                        sent_at=utc_iso(now),
                        receipt_at=utc_iso(now),
                        source=f"{batch}#{n + 2}",
                        batch=batch,
                    )
                )
        written = time.perf_counter() - started
        from moto.dynamodb.models.table import Table

        unpatched = Table.query
        if not moto_scans:
            _partitioned_index_query(tables.notifications.Meta.table_name, "by_batch", "batch")
        staff = Staff("viewer.na", frozenset({Role.VIEWER}), "40")
        last = -(-notices // 100)
        asks = {
            "first page": {},
            "last page": {"page": str(last)},
            "failures, page 1": {"status": "permanent-failure"},
            "CSV part 1": {"format": "csv"},
        }
        calls: list[str] = []
        in_moto = [0.0]  # CPU inside DynamoDB calls (moto's own work, in process): the rest is this code's
        original = Connection.dispatch

        def counting(self, operation_name, operation_kwargs):  # type: ignore[no-untyped-def]
            calls.append(operation_name)
            t0 = time.process_time()
            try:
                return original(self, operation_name, operation_kwargs)
            finally:
                in_moto[0] += time.process_time() - t0

        Connection.dispatch = counting  # type: ignore[method-assign]
        results: dict[str, object] = {}
        try:
            for name, query in asks.items():
                cpus, walls, ours = [], [], []
                for attempt in range(repeat + 1):  # the first run warms up: not counted
                    calls.clear()
                    in_moto[0] = 0.0
                    t0, w0 = time.process_time(), time.perf_counter()
                    body, _, _ = recipients(svc, staff, FileName("payments", "big"), query)
                    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
                    if isinstance(body, CsvFile):
                        assert body.text.count("\r\n") == 1 + min(notices, 10_000)
                    else:
                        assert body["total"] in (notices, -(-notices // 50)), body["total"]
                    if attempt:
                        cpus.append(cpu)
                        walls.append(wall)
                        ours.append(cpu - in_moto[0])
                assert "Scan" not in calls
                if name == "first page":
                    bare = [_bare_first_page(tables.notifications.Meta.table_name) for _ in range(repeat + 1)][1:]
                    results["bare first page"] = {"cpu_ms": round(statistics.median(bare) * 1000, 1)}
                results[name] = {
                    "cpu_ms": round(statistics.median(cpus) * 1000, 1),
                    "wall_ms": round(statistics.median(walls) * 1000, 1),
                    "outside_dynamodb_cpu_ms": round(statistics.median(ours) * 1000, 1),
                    "calls": dict(Counter(calls)),
                }
        finally:
            Connection.dispatch = original  # type: ignore[method-assign]
            Table.query = unpatched  # type: ignore[method-assign]
        use_services(None)
    return {"write_s": round(written, 1), "requests": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=5_000)
    parser.add_argument("--others", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--moto-scans", action="store_true", help="keep moto's index query, which scans the table")
    args = parser.parse_args()
    moto_env(POWERTOOLS_METRICS_DISABLED="true")
    result = measure(args.notices, args.others, args.repeat, moto_scans=args.moto_scans)
    requests: dict[str, dict[str, object]] = result["requests"]  # type: ignore[assignment]
    bare = requests.pop("bare first page")
    for name, m in requests.items():
        print(
            f"{name}: {m['cpu_ms']} ms CPU ({m['outside_dynamodb_cpu_ms']} ms outside DynamoDB calls), "
            f"{m['wall_ms']} ms wall, DynamoDB calls {m['calls']}"
        )
    ratio = float(requests["first page"]["cpu_ms"]) / float(bare["cpu_ms"])  # type: ignore[arg-type]
    print(f"bare first page (plain Query of the index, BatchGetItem of the page): {bare['cpu_ms']} ms CPU")
    print(f"ratio {ratio:.2f} (the first page's CPU ÷ the bare one's)")
    summary = {"bench": "recipients", "ratio": round(ratio, 3), "notices": args.notices, "others": args.others}
    print(json.dumps({**summary, "bare_first_page_cpu_ms": bare["cpu_ms"], **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
