"""The hotline's search: one person's 10 notices among a small outbox and among a big one.

Prints the search's time in each, their ratio (target <= 1.2: the search reads the person, then the
outbox's `by_recipient` index for that person and phone, then their notices by key; its cost must
follow the person's notices, not the outbox), the DynamoDB calls one search makes in each (the same
count whatever the outbox holds), and in the same run the bare baseline: a BatchGetItem of those 10
notices by key, what the search would cost if the person's notice ids were known.
moto answers an index query by scanning every item of the table (DynamoDB reads only the index
partition): the bench lets moto's `by_recipient` query read only the key's partition
(`_partitioned_index_query`, built once the outbox is written), as DynamoDB does; `--moto-scans` keeps
moto's own scan, and the run then also times the two index queries alone.

    python bench/hotline.py [--mine 10] [--small 1000] [--big 20000] [--repeat 5]

Times are this process's CPU time (moto runs in-process, so that is all the work); wall beside them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.env import moto_env

PERSON, PHONE = "4012345678", "+84912345678"


def _partitioned_index_query(table_name: str, index_name: str, attribute: str) -> None:
    """moto's query of that index reads the items with that key only (its partition), not every item."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"].get_table(table_name)
    partitions: dict[str, list] = {}
    for item in table.all_items():
        value = item.attrs.get(attribute)
        if value is not None:
            partitions.setdefault(value.value, []).append(item)
    original = Table.query

    def query(self, hash_key, *args, **kwargs):  # type: ignore[no-untyped-def]
        index = kwargs.get("index_name", args[6] if len(args) > 6 else None)  # moto passes it by position
        keys = dict(kwargs.get("hash_key_conditions") or [])
        key = keys.get(attribute, hash_key)
        if self.name != table_name or index != index_name or key is None:
            return original(self, hash_key, *args, **kwargs)
        self.all_items = lambda: list(partitions.get(key.value, []))
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query  # type: ignore[method-assign]


def measure(others: int, mine: int, repeat: int, *, moto_scans: bool) -> dict[str, float]:
    import boto3
    from moto import mock_aws
    from pynamodb.connection.base import Connection

    from chalicelib.agency.notices import search
    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock, utc_iso
    from chalicelib.domain.staff import Role, Staff
    from chalicelib.services import Services, use_services
    from local.stack.resources import create_stack

    with mock_aws():
        create_stack(boto3.session.Session())
        now = datetime(2026, 11, 26, 10, 0, tzinfo=ICT)
        svc = Services(settings=Settings.from_env(), clock=fixed_clock(now))
        use_services(svc)
        tables = svc.tables
        tables.people(ss_code=PERSON, full_name="A", date_of_birth="1990-01-01", phone=PHONE, province_code="40").save()
        started = time.perf_counter()
        with tables.notifications.batch_write() as outbox:
            for n in range(others + mine):
                who, phone = (PERSON, PHONE) if n < mine else (f"40{n:08d}", f"+8498{n:07d}")
                outbox.save(
                    tables.notifications(
                        id=f"benefit_paid#B-{n}",
                        template="benefit_paid",
                        params={"benefit": "pension", "amount_vnd": "1000000", "paid_on": "2026-11-20"},
                        recipient_kind="person",
                        recipient_ref=who,
                        phone=phone,
                        status="delivered",
                        created_at=utc_iso(now),
                        send_after=utc_iso(now),
                    )
                )
        written = time.perf_counter() - started
        from moto.dynamodb.models.table import Table

        unpatched = Table.query
        if not moto_scans:
            _partitioned_index_query(tables.notifications.Meta.table_name, "by_recipient", "recipient_ref")
        staff = Staff("support.na", frozenset({Role.SUPPORT}), "40")
        calls: list[str] = []
        original = Connection.dispatch

        def counting(self, operation_name, operation_kwargs):  # type: ignore[no-untyped-def]
            calls.append(operation_name)
            return original(self, operation_name, operation_kwargs)

        Connection.dispatch = counting  # type: ignore[method-assign]
        searches, walls, queries, baselines = [], [], [], []
        ids = [f"benefit_paid#B-{n}" for n in range(mine)]
        try:
            for attempt in range(repeat + 1):  # the first run warms up (imports, models, moto): not counted
                calls.clear()
                t0, w0 = time.process_time(), time.perf_counter()
                body, _ = search(svc, staff, {"ss_code": PERSON})
                cpu, wall = time.process_time() - t0, time.perf_counter() - w0
                per_search = len(calls)
                assert len(body["notices"]) == mine, len(body["notices"])
                t0 = time.process_time()
                list(tables.notifications.by_recipient.query(PERSON, scan_index_forward=False, limit=100))
                list(tables.notifications.by_recipient.query(PHONE, scan_index_forward=False, limit=100))
                query = time.process_time() - t0
                t0 = time.process_time()
                assert len(list(tables.notifications.batch_get(ids))) == mine
                baseline = time.process_time() - t0
                if attempt:
                    searches.append(cpu)
                    walls.append(wall)
                    queries.append(query)
                    baselines.append(baseline)
        finally:
            Connection.dispatch = original  # type: ignore[method-assign]
            Table.query = unpatched  # type: ignore[method-assign]
        use_services(None)
    return {
        "write_s": written,
        "search_s": statistics.median(searches),
        "wall_s": statistics.median(walls),
        "query_s": statistics.median(queries),
        "baseline_s": statistics.median(baselines),
        "calls": per_search,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mine", type=int, default=10)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--big", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--moto-scans", action="store_true", help="keep moto's index query, which scans the table")
    args = parser.parse_args()
    moto_env(POWERTOOLS_METRICS_DISABLED="true")
    small = measure(args.small, args.mine, args.repeat, moto_scans=args.moto_scans)
    big = measure(args.big, args.mine, args.repeat, moto_scans=args.moto_scans)
    for name, size, m in (("small", args.small, small), ("big", args.big, big)):
        print(
            f"{name}: {args.mine} notices among {size}: search {m['search_s'] * 1000:.1f} ms CPU "
            f"({m['wall_s'] * 1000:.1f} ms wall, {m['calls']:.0f} DynamoDB calls; its two index queries "
            f"{m['query_s'] * 1000:.1f} ms); bare BatchGetItem of the same notices {m['baseline_s'] * 1000:.1f} ms; "
            f"outbox written in {m['write_s']:.1f}s"
        )
    ratio = big["search_s"] / small["search_s"]
    without = (big["search_s"] - big["query_s"]) / (small["search_s"] - small["query_s"])
    print(f"ratio {ratio:.2f} (without the index queries {without:.2f}); target <= 1.2")
    print(
        json.dumps(
            {
                "bench": "hotline",
                "ratio": round(ratio, 3),
                "ratio_without_index_queries": round(without, 3),
                "moto_scans": args.moto_scans,
                "mine": args.mine,
                "small_outbox": args.small,
                "big_outbox": args.big,
                "small_search_ms": round(small["search_s"] * 1000, 2),
                "big_search_ms": round(big["search_s"] * 1000, 2),
                "small_calls": small["calls"],
                "big_calls": big["calls"],
                "baseline_ms": round(big["baseline_s"] * 1000, 2),
                "vs_baseline": round(big["search_s"] / big["baseline_s"], 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
