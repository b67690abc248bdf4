"""Batch control at any size: pause, resume and stop of one upload with 100,000 notices waiting.

Each action is the console's own code (`agency/control.apply`: the file's item read, the batch's
unsent tally read, its state read and written once), timed over in-process moto with the outbox
holding `--notices` notices of that batch. Beside it, in the same run, the bare baseline: one
DynamoDB PutItem of a guard item (what an action that writes one item cannot beat); with
`--count-query`, for scale, one read of the batch's counts by the outbox's `by_batch` index (what
each action did before it wrote the state alone: moto scans and sorts the table for it, minutes at
100,000). Target: every action <= 300 ms.

    python bench/batch_control.py [--notices 100000] [--repeat 5] [--count-query]

Times are wall-clock medians (moto runs in-process, so that is all the work).
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

FILE = "incoming/payments/lon.csv"
VERSION = "v-bench"
TARGET_MS = 300.0


def _ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _fill_outbox(model, notices: int, batch: str, now: str) -> None:  # type: ignore[no-untyped-def]
    """The batch's notices, written straight into moto's table (the setup, not what is measured: the
    same items a BatchWriteItem would leave, without 4,000 HTTP round trips through botocore)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
    item = model(
        "payment_received#PT-0",
        template="payment_received",
        params={"unit_code": "NA0001X", "amount_vnd": "1000000", "paid_on": "2026-11-20"},
        recipient_kind="employer",
        recipient_ref="NA00000X",
        phone="+84910000000",
        status="created",
        created_at=now,
        send_after=now,
        batch=batch,
        source=f"{batch}#2",
    )
    template = item.serialize()
    for n in range(notices):
        attrs = dict(template)
        attrs["id"] = {"S": f"payment_received#PT-{n}"}
        attrs["recipient_ref"] = {"S": f"NA{n:05d}X"}
        attrs["phone"] = {"S": f"+8491{n:07d}"}
        attrs["source"] = {"S": f"{batch}#{n + 2}"}
        backend.put_item(model.Meta.table_name, attrs)


def measure(notices: int, repeat: int, *, count_query_too: bool = False) -> dict[str, float | int | None]:
    import boto3
    from moto import mock_aws

    from chalicelib.agency import control
    from chalicelib.agency.names import file_name
    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock, utc_iso
    from chalicelib.domain.staff import Action, Role, Staff
    from chalicelib.services import Services, use_services
    from chalicelib.store.batches import add_unsent, batch_counts, batch_key
    from local.stack.resources import create_stack

    with mock_aws():
        create_stack(boto3.session.Session())
        now = datetime(2026, 11, 26, 10, 0, tzinfo=ICT)
        svc = Services(settings=Settings.from_env(), clock=fixed_clock(now))
        use_services(svc)
        tables = svc.tables
        batch = batch_key(FILE, VERSION)
        tables.files(
            FILE, kind="payments", status="running", province_code="40", started_at=utc_iso(now), version=VERSION
        ).save()
        started = time.perf_counter()
        _fill_outbox(tables.notifications, notices, batch, utc_iso(now))
        add_unsent(tables, {batch: notices})  # what the outbox stream counted as they were written
        written = time.perf_counter() - started
        staff = Staff("uploader.na", frozenset({Role.UPLOADER}), "40")
        name = file_name("payments", "lon")
        timings: dict[str, list[float]] = {"pause": [], "resume": [], "baseline": []}
        for attempt in range(repeat + 1):  # the first round warms up (imports, models, moto): not counted
            for action in (Action.PAUSE, Action.RESUME):
                t0 = time.perf_counter()
                body, _ = control.apply(svc, staff, name, action)
                took = time.perf_counter() - t0
                assert body["after"]["unsent"] == notices, body
                if attempt:
                    timings[action.value].append(took)
            t0 = time.perf_counter()
            tables.guard(f"bench#{attempt}", data={"state": "paused"}).save()
            if attempt:
                timings["baseline"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        body, _ = control.apply(svc, staff, name, Action.STOP)  # for good: once
        stop = time.perf_counter() - t0
        assert body["state"] == "stopped", body
        sample = [f"payment_received#PT-{n}" for n in range(0, notices, max(notices // 100, 1))]
        assert {str(n.status) for n in tables.notifications.batch_get(sample)} == {"created"}  # none moved
        count_query = None
        if count_query_too:  # moto answers it by scanning and sorting the table: minutes at 100,000
            t0 = time.perf_counter()
            assert batch_counts(tables, batch) == {"created": notices}
            count_query = time.perf_counter() - t0
        use_services(None)
    return {
        "write_s": round(written, 1),
        "pause_ms": _ms(timings["pause"]),
        "resume_ms": _ms(timings["resume"]),
        "stop_ms": round(stop * 1000, 2),
        "baseline_ms": _ms(timings["baseline"]),
        "count_query_ms": round(count_query * 1000, 1) if count_query is not None else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--count-query", action="store_true", help="also time the batch's counts by its index")
    args = parser.parse_args()
    moto_env(POWERTOOLS_METRICS_DISABLED="true")
    m = measure(args.notices, args.repeat, count_query_too=args.count_query)
    slowest = max(float(m["pause_ms"]), float(m["resume_ms"]), float(m["stop_ms"]))
    ratio = slowest / float(m["baseline_ms"])
    print(
        f"{args.notices} notices of one batch (outbox written in {m['write_s']}s): pause {m['pause_ms']} ms, "
        f"resume {m['resume_ms']} ms, stop {m['stop_ms']} ms; bare PutItem {m['baseline_ms']} ms"
        + (
            f"; the batch's counts by its index {m['count_query_ms']} ms (what each action read before)"
            if m["count_query_ms"] is not None
            else ""
        )
    )
    print(f"slowest action {slowest:.1f} ms (target <= {TARGET_MS:.0f} ms), {ratio:.1f}x a bare PutItem")
    print(
        json.dumps(
            {
                "bench": "batch_control",
                "ratio": round(ratio, 2),
                "notices": args.notices,
                "pause_ms": m["pause_ms"],
                "resume_ms": m["resume_ms"],
                "stop_ms": m["stop_ms"],
                "baseline_ms": m["baseline_ms"],
                "count_query_ms": m["count_query_ms"],
                "target_ms": TARGET_MS,
                "within_target": slowest <= TARGET_MS,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
