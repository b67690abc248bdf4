"""The yearly statement: every person with a phone and a year of history, at two sizes.

Prints the time per person of the whole fan-out (the parallel scan's segments, each person's year
of history, the statement into the outbox) at each size and their ratio (target <= 1.2: the cost
per person stays flat), and, in the same run, the bare baseline: the same reads and conditional
puts made with a plain boto3 client, nothing of the project's. In-process moto, a fresh stack per
size; the data are written straight into moto's backend (not timed, and far faster than its API).

    python bench/yearly.py [--small 500] [--big 2500] [--segments 8]

The issue's sizes are 20,000 and 100,000 people (`--small 20000 --big 100000`): 100,000 people with
twelve months each is 1.2 million history items, and moto spends about 20 ms of CPU on each person
(three or four calls), so that run takes hours on a busy 2-core machine: the defaults keep the
issue's 1:5 ratio at 500 and 2,500 people, a few minutes. moto answers each
scan page by walking the table from its start (DynamoDB seeks to the page's start key), so the run
also times the scan alone in each table and prints the ratio without it. moto also answers a query
by sorting the whole table (DynamoDB reads only the key's partition): that would make any per-person
query cost grow with the table, so the bench lets moto's base-table query read only the partition
(`_partitioned_moto_query`), for the project and the baseline alike. Times are this process's
CPU time (moto runs in-process); wall times are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.env import moto_env

REGION = "ap-southeast-1"
YEAR = 2026


def _partitioned_moto_query() -> None:
    """A base-table query in moto reads the key's partition only, as DynamoDB does."""
    from moto.dynamodb.models.table import Table

    original = Table.query
    if getattr(original, "partitioned", False):
        return

    def query(self, hash_key, *args, **kwargs):
        if kwargs.get("index_name") or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        self.all_items = lambda: sorted(partition, key=lambda item: item.range_key)
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    query.partitioned = True
    Table.query = query


def _seed(people: int) -> int:
    """people: 4 in 5 with a phone, each with twelve paid months of the year. Returns the eligible."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    eligible = 0
    for n in range(people):
        ss = f"{n:010d}"
        person = {"ss_code": {"S": ss}, "full_name": {"S": "Nguyen Van An"}, "date_of_birth": {"S": "1990-01-01"}}
        if n % 5:
            person["phone"] = {"S": f"+8491{n % 10**7:07d}"}
            eligible += 1
        backend.put_item("bhxh-local-people", person)
        for month in range(1, 13):
            period = f"{YEAR}-{month:02d}"
            backend.put_item(
                "bhxh-local-history",
                {
                    "ss_code": {"S": ss},
                    "period_unit": {"S": f"{period}#TZH490L"},
                    "period": {"S": period},
                    "unit_code": {"S": "TZH490L"},
                    "salary_vnd": {"N": "10000000"},
                    "si_vnd": {"N": "2550000"},
                    "hi_vnd": {"N": "450000"},
                    "ui_vnd": {"N": "200000"},
                    "status": {"S": "paid"},
                },
            )
    return eligible


def _baseline(ddb, segments: int) -> int:
    """The bare work: scan each segment, query each phone's year, one conditional put each."""
    from botocore.exceptions import ClientError

    told = 0
    for segment in range(segments):
        kwargs = {"TableName": "bhxh-local-people", "Segment": segment, "TotalSegments": segments}
        while True:
            page = ddb.scan(**kwargs)
            for item in page["Items"]:
                if "phone" not in item:
                    continue
                ss = item["ss_code"]["S"]
                months = ddb.query(
                    TableName="bhxh-local-history",
                    KeyConditionExpression="ss_code = :s AND begins_with(period_unit, :y)",
                    ExpressionAttributeValues={":s": {"S": ss}, ":y": {"S": f"{YEAR}-"}},
                )["Items"]
                assert len(months) == 12, len(months)
                try:
                    ddb.put_item(
                        TableName="bhxh-local-notifications",
                        Item={
                            "id": {"S": f"baseline#{ss}#{YEAR}"},
                            "phone": item["phone"],
                            "status": {"S": "created"},
                            "send_after": {"S": "2027-01-15T01:00:00Z"},
                            "months": {"N": str(len(months))},
                        },
                        ConditionExpression="attribute_not_exists(id)",
                    )
                    told += 1
                except ClientError:
                    pass
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return told


def _scan_only(ddb, segments: int) -> int:
    seen = 0
    for segment in range(segments):
        kwargs = {"TableName": "bhxh-local-people", "Segment": segment, "TotalSegments": segments}
        while True:
            page = ddb.scan(**kwargs)
            seen += len(page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return seen


def measure(people: int, segments: int) -> dict[str, float]:
    import boto3
    from moto import mock_aws

    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock
    from chalicelib.services import Services, use_services
    from chalicelib.yearly.fanout import Segment, run_segment, start_statement
    from local.stack.resources import create_stack

    with mock_aws():
        create_stack(boto3.session.Session())
        clock = fixed_clock(datetime(YEAR + 1, 1, 15, 8, 0, tzinfo=ICT))
        svc = Services(settings=Settings.from_env(), clock=clock)
        use_services(svc)
        started = time.perf_counter()
        eligible = _seed(people)
        written = time.perf_counter() - started
        ddb = boto3.client("dynamodb", region_name=REGION)
        tables = svc.tables
        tables.people.get("0000000001")  # warm-up: models, clients, moto
        list(tables.history.query("0000000001", tables.history.period_unit.startswith(f"{YEAR}-")))
        _scan_only(ddb, 1)

        t0, w0 = time.process_time(), time.perf_counter()
        base_told = _baseline(ddb, segments)
        base_s, base_wall = time.process_time() - t0, time.perf_counter() - w0

        t0, w0 = time.process_time(), time.perf_counter()
        messages: list[Segment] = []
        start_statement(clock=clock, segments=segments, send=messages.append)
        queued = 0
        while messages:
            result = run_segment(svc, messages.pop(0), send=messages.append, time_left_ms=lambda: 900_000)
            queued += result["queued"]
        job_s, job_wall = time.process_time() - t0, time.perf_counter() - w0

        t0 = time.process_time()
        assert _scan_only(ddb, segments) == people
        scan_s = time.process_time() - t0
        assert queued == eligible == base_told, (queued, eligible, base_told)
        use_services(None)
    return {
        "write_s": written,
        "job_s": job_s,
        "wall_s": job_wall,
        "base_s": base_s,
        "base_wall_s": base_wall,
        "scan_s": scan_s,
        "eligible": eligible,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--big", type=int, default=2500)
    parser.add_argument("--segments", type=int, default=8)
    args = parser.parse_args()
    moto_env()
    _partitioned_moto_query()
    small = measure(args.small, args.segments)
    big = measure(args.big, args.segments)
    per = {}
    for name, size, m in (("small", args.small, small), ("big", args.big, big)):
        per[name] = m["job_s"] / size * 1000
        print(
            f"{name}: {size} people ({m['eligible']:.0f} told), {args.segments} segments: "
            f"{per[name]:.3f} ms CPU per person ({m['job_s']:.2f}s CPU, {m['wall_s']:.2f}s wall); "
            f"bare baseline {m['base_s'] / size * 1000:.3f} ms per person ({m['base_s']:.2f}s); "
            f"moto's scan alone {m['scan_s']:.2f}s; data written in {m['write_s']:.1f}s"
        )
    ratio = per["big"] / per["small"]
    without = ((big["job_s"] - big["scan_s"]) / args.big) / ((small["job_s"] - small["scan_s"]) / args.small)
    base_ratio = (big["base_s"] / args.big) / (small["base_s"] / args.small)
    print(f"ratio {ratio:.2f} (without moto's scan {without:.2f}; bare baseline {base_ratio:.2f}); target <= 1.2")
    print(
        json.dumps(
            {
                "bench": "yearly",
                "ratio": round(ratio, 3),
                "ratio_without_moto_scan": round(without, 3),
                "baseline_ratio": round(base_ratio, 3),
                "small_people": args.small,
                "big_people": args.big,
                "segments": args.segments,
                "small_ms_per_person": round(per["small"], 4),
                "big_ms_per_person": round(per["big"], 4),
                "small_baseline_ms_per_person": round(small["base_s"] / args.small * 1000, 4),
                "big_baseline_ms_per_person": round(big["base_s"] / args.big * 1000, 4),
                "small_job_s": round(small["job_s"], 3),
                "big_job_s": round(big["job_s"], 3),
                "small_wall_s": round(small["wall_s"], 3),
                "big_wall_s": round(big["wall_s"], 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
