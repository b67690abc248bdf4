"""`make report`: the agency's figures from the running local stack, as tables and a PNG chart.

Talks to the moto server (`--endpoint`, default http://127.0.0.1:5000) as the local stage, reads the
counters and the ingest reports (chalicelib/reporting), prints both tables and writes the chart.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from local.env import REGION, ROOT


def run(*, stage: str, out: Path) -> str:
    """The report's text; writes the chart to `out`. Uses the current environment's AWS endpoint."""
    from chalicelib.aws.clients import Clients
    from chalicelib.aws.settings import Settings
    from chalicelib.domain.figures import batch_table, day_table
    from chalicelib.reporting.chart import write_chart
    from chalicelib.reporting.collect import all_figures
    from chalicelib.store.models import bind_tables

    settings = Settings.from_env({**os.environ, "BHXH_STAGE": stage})
    days, batches = all_figures(
        bind_tables(settings.prefix, settings.region), Clients(settings.region).s3, settings.name("ingest")
    )
    write_chart(out, days, batches)
    return "\n\n".join(
        [
            "Notices per day (Asia/Ho_Chi_Minh) and kind",
            day_table(days),
            "Rows per batch file",
            batch_table(batches),
            f"Chart written to {out}",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make report", description=__doc__)
    parser.add_argument("--endpoint", default=f"http://127.0.0.1:{os.environ.get('BHXH_MOTO_PORT', '5000')}")
    parser.add_argument("--stage", default="local")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "report.png")
    args = parser.parse_args(argv)
    os.environ.update(AWS_ENDPOINT_URL=args.endpoint, AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled")
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_REGION", REGION)):
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    print(run(stage=args.stage, out=args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
