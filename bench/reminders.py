"""The daily reminders job: 1,000 cards due among a small table and among a big one.

Prints the job's time in each and their ratio (target <= 1.2: the job reads only the `due` index,
so its cost must follow what is due, not the table). In-process moto, one fresh stack per size.
moto answers an index query by scanning every item of the table (DynamoDB reads only the index
partition), so the run also times that query alone in each table and prints the ratio without it.

    python bench/reminders.py [--due 1000] [--small 2000] [--big 20000] [--repeat 1]

The issue's big table is 200,000 cards (`--big 200000`): writing it into moto takes about ten
minutes on a busy core, so the default is 20,000. Times are this process's CPU time (moto runs
in-process, so that is all the work), which other processes on a shared machine do not disturb;
wall times are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.env import moto_env

DAY = date(2026, 11, 26)


def measure(cards: int, due: int, repeat: int) -> dict[str, float]:
    import boto3
    from moto import mock_aws

    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock
    from chalicelib.notify.reminders import THROUGH, run_reminders
    from chalicelib.services import Services, use_services
    from local.stack.resources import create_stack

    with mock_aws():
        create_stack(boto3.session.Session())
        svc = Services(settings=Settings.from_env(), clock=fixed_clock(datetime(2026, 11, 26, 8, 0, tzinfo=ICT)))
        use_services(svc)
        tables = svc.tables
        started = time.perf_counter()
        with tables.people.batch_write() as people:
            for n in range(due):
                people.save(
                    tables.people(ss_code=f"{n:010d}", full_name="A", date_of_birth="1990-01-01", phone=f"+8491{n:07d}")
                )
        with tables.ledger.batch_write() as ledger:
            for n in range(cards):
                ss = f"{n:010d}"
                on_day = n < due
                facts = {"card_no": f"GD479{ss}", "ss_code": ss, "valid_from": "2026-01-01", "household": True}
                facts["valid_to"] = "2026-12-26" if on_day else "2027-06-30"
                ledger.save(
                    tables.ledger(
                        pk=f"hi_card#GD479{ss}",
                        kind="hi_card",
                        facts=facts,
                        due_on="2026-11-26" if on_day else f"2027-{1 + n % 12:02d}-{1 + n % 28:02d}",
                        ss_code=ss,
                    )
                )
        written = time.perf_counter() - started
        jobs, queries, walls = [], [], []
        for attempt in range(repeat + 1):  # the first run warms up (imports, models, moto): not counted
            for item in tables.notifications.scan():  # each run starts from an empty outbox
                item.delete()
            for marker in tables.guard.scan(tables.guard.pk.startswith("told#")):  # and no one told yet
                marker.delete()
            # an ordinary morning: yesterday's run finished, so this one covers its own day alone
            tables.guard(THROUGH, data={"day": (DAY - timedelta(days=1)).isoformat()}).save()
            t0, w0 = time.process_time(), time.perf_counter()
            result = run_reminders(svc, DAY)
            job, wall = time.process_time() - t0, time.perf_counter() - w0
            assert result == {"due": due, "queued": due}, result
            t0 = time.process_time()
            assert sum(1 for _ in tables.ledger.due.query(DAY.isoformat())) == due
            if attempt:
                jobs.append(job)
                walls.append(wall)
                queries.append(time.process_time() - t0)
        use_services(None)
    return {
        "write_s": written,
        "job_s": statistics.median(jobs),
        "query_s": statistics.median(queries),
        "wall_s": statistics.median(walls),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    moto_env()
    small = measure(args.small, args.due, args.repeat)
    big = measure(args.big, args.due, args.repeat)
    for name, size, m in (("small", args.small, small), ("big", args.big, big)):
        print(
            f"{name}: {args.due} due among {size} cards: job {m['job_s']:.2f}s CPU ({m['wall_s']:.2f}s wall; "
            f"moto's index scan {m['query_s']:.2f}s CPU); table written in {m['write_s']:.1f}s"
        )
    ratio = big["job_s"] / small["job_s"]
    without_scan = (big["job_s"] - big["query_s"]) / (small["job_s"] - small["query_s"])
    print(f"ratio {ratio:.2f} (without moto's index scan {without_scan:.2f}); target <= 1.2")
    print(
        json.dumps(
            {
                "bench": "reminders",
                "ratio": round(ratio, 3),
                "ratio_without_moto_index_scan": round(without_scan, 3),
                "due": args.due,
                "small_cards": args.small,
                "big_cards": args.big,
                "small_job_s": round(small["job_s"], 3),
                "big_job_s": round(big["job_s"], 3),
                "small_wall_s": round(small["wall_s"], 3),
                "big_wall_s": round(big["wall_s"], 3),
                "small_query_s": round(small["query_s"], 3),
                "big_query_s": round(big["query_s"], 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
