"""Batch control at any size: pause, resume and stop of one upload with 100,000 notices waiting.

Each action is the console's own code (`agency/control.apply`: the file's item read, the batch's
unsent tally read, its state read and written once), timed over in-process moto with the outbox
holding `--notices` notices of that batch. Beside it, in the same run, the bare baseline: one
DynamoDB PutItem of a guard item (what an action that writes one item cannot beat), and, for
scale, one read of the batch's counts by the outbox's `by_batch` index (what each action did before
it wrote the state alone). Target: every action <= 300 ms.

    python bench/batch_control.py [--notices 100000] [--repeat 5]

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


def measure(notices: int, repeat: int) -> dict[str, float | int]:
    import boto3
    from moto import mock_aws

    from chalicelib.agency import control
    from chalicelib.agency.names import file_name
    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock, utc_iso
    from chalicelib.domain.staff import Action, Role, Staff
    from chalicelib.services import Services, use_services
    from chalicelib.store.batches import add_unsent, batch_counts, batch_key
    from local.stack import create_stack

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
        with tables.notifications.batch_write() as outbox:
            for n in range(notices):
                outbox.save(
                    tables.notifications(
                        id=f"payment_received#PT-{n}",
                        template="payment_received",
                        params={"unit_code": "NA0001X", "amount_vnd": "1000000", "paid_on": "2026-11-20"},
                        recipient_kind="employer",
                        recipient_ref=f"NA{n:05d}X",
                        phone=f"+8491{n:07d}",
                        status="created",
                        created_at=utc_iso(now),
                        send_after=utc_iso(now),
                        batch=batch,
                        source=f"{batch}#{n + 2}",
                    )
                )
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
        t0 = time.perf_counter()
        counts = batch_counts(tables, batch)
        count_query = time.perf_counter() - t0
        assert counts == {"created": notices}, counts  # the actions moved no notice themselves
        use_services(None)
    return {
        "write_s": round(written, 1),
        "pause_ms": _ms(timings["pause"]),
        "resume_ms": _ms(timings["resume"]),
        "stop_ms": round(stop * 1000, 2),
        "baseline_ms": _ms(timings["baseline"]),
        "count_query_ms": round(count_query * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    moto_env(POWERTOOLS_METRICS_DISABLED="true")
    m = measure(args.notices, args.repeat)
    slowest = max(float(m["pause_ms"]), float(m["resume_ms"]), float(m["stop_ms"]))
    ratio = slowest / float(m["baseline_ms"])
    print(
        f"{args.notices} notices of one batch (outbox written in {m['write_s']}s): pause {m['pause_ms']} ms, "
        f"resume {m['resume_ms']} ms, stop {m['stop_ms']} ms; bare PutItem {m['baseline_ms']} ms; "
        f"the batch's counts by its index {m['count_query_ms']} ms (what each action read before)"
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
