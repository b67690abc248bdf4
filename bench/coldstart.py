"""Cold start: what each Lambda function imports before it handles its first event, against the four
libraries every function needs (boto3, Powertools, PynamoDB, Chalice), each measured in fresh
processes in the same run; and the size of the Lambda zip `make package` builds.

A function is imported as Lambda imports it: `app.py` with `_HANDLER` naming its handler (`app.send`;
the API's is `app.app`, which alone registers the routes), then its entry module
`chalicelib/handlers/<function>.py`, which app.py imports at the first event. Times are the child
process's CPU time (steadier than wall time on a shared machine), the median of `--runs` processes.
"ratio" is the slowest function's median over the libraries' median (target ≤ 1.5).

    python bench/coldstart.py [--runs 7] [--no-zip]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("boto3", "aws_lambda_powertools", "pynamodb.models", "chalice")
FUNCTIONS = (
    "ingest",
    "decide",
    "route",
    "send",
    "release_held",
    "remind",
    "daily_summary",
    "yearly_statement",
    "yearly_segment",
    "receipts",
    "delivery_logs",
)
PROBE = """
import importlib, sys, time
started = time.process_time()
for name in sys.argv[1:]:
    importlib.import_module(name)
print(time.process_time() - started)
"""


def _import_s(modules: list[str], handler: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "_HANDLER"}
    env |= {"BHXH_STAGE": "prod", "AWS_DEFAULT_REGION": "ap-southeast-1", "PYTHONDONTWRITEBYTECODE": "1"}
    if handler:
        env["_HANDLER"] = handler
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-zip", action="store_true", help="do not build the package (its size is not printed)")
    args = parser.parse_args()

    targets = {name: (["app", f"chalicelib.handlers.{name}"], f"app.{name}") for name in FUNCTIONS}
    targets["api_handler"] = (["app"], "app.app")
    samples: dict[str, list[float]] = {"libraries": []} | {name: [] for name in targets}
    for _ in range(args.runs):  # interleaved, so the machine's noise falls on all alike
        samples["libraries"].append(_import_s(list(LIBRARIES), None))
        for name, (modules, handler) in targets.items():
            samples[name].append(_import_s(modules, handler))
    medians = {name: statistics.median(times) for name, times in samples.items()}
    base = medians.pop("libraries")
    ratios = {name: round(seconds / base, 3) for name, seconds in medians.items()}
    for name, seconds in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"{name:18s} {seconds * 1000:6.0f} ms  {ratios[name]:.2f}x")
    print(f"{'four libraries':18s} {base * 1000:6.0f} ms")
    result: dict[str, object] = {
        "bench": "coldstart",
        "ratio": max(ratios.values()),
        "slowest": max(ratios, key=ratios.__getitem__),
        "libraries_ms": round(base * 1000, 1),
        "functions": ratios,
    }
    if not args.no_zip:
        sys.path.insert(0, str(ROOT))
        from infra.package import package

        package("prod")
        size = (ROOT / "build" / "package" / "prod" / "deployment.zip").stat().st_size
        print(f"Lambda zip: {size / 1e6:.1f} MB")
        result["zip_mb"] = round(size / 1e6, 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
