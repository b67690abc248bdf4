"""GET /v1/me/contributions for a person with 240 months of history, through chalice.test.Client
against in-process moto, and in the same run a bare boto3 Query of the same items.

Prints p50/p99 of both; the last line is one JSON object: "ratio" is p99 ÷ the bare Query's p99
(target ≤ 1.3), "p50_ratio" the same of the medians (≤ 1.1). `--runs N` sets how many requests of
each, interleaved: default 300 (about 5 minutes on a busy 2-core machine: moto answers a 240-item
Query in a quarter to half a second). The slow tail was the garbage collector's full collections
(app.py freezes what is imported and raises its thresholds); moto itself keeps every Query's items,
so the heap grows by 240 items a request on both sides."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from support.env import moto_env  # noqa: E402

moto_env(POWERTOOLS_LOG_LEVEL="WARNING")

SS_CODE = "0110129425"
MONTHS = 240


def _percentile(samples: list[float], pct: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock
    from chalicelib.services import Services, services, use_services
    from local.stack.resources import create_stack

    with mock_aws():
        session = boto3.session.Session()
        create_stack(session)
        use_services(Services(settings=Settings.from_env(), clock=fixed_clock(datetime(2026, 11, 25, 10, tzinfo=ICT))))
        tables = services().tables
        tables.people(SS_CODE, full_name="Nguyễn Thị Ánh", date_of_birth="1990-04-12", phone="+84912345678").save()
        with tables.history.batch_write() as batch:
            for i in range(MONTHS):
                period = f"{2006 + i // 12}-{i % 12 + 1:02d}"
                batch.save(
                    tables.history(
                        SS_CODE,
                        f"{period}#TZH490L",
                        period=period,
                        unit_code="TZH490L",
                        salary_vnd=8_000_000,
                        si_vnd=2_040_000,
                        hi_vnd=360_000,
                        ui_vnd=160_000,
                        status="owed" if i % 37 == 0 else "paid",
                    )
                )

        import app as chalice_app

        raw = session.client("dynamodb")
        table = services().settings.name("history")

        def bare_query() -> int:
            count, start = 0, None
            while True:
                kwargs = {
                    "TableName": table,
                    "KeyConditionExpression": "ss_code = :s",
                    "ExpressionAttributeValues": {":s": {"S": SS_CODE}},
                }
                if start:
                    kwargs["ExclusiveStartKey"] = start
                page = raw.query(**kwargs)
                count += len(page["Items"])
                start = page.get("LastEvaluatedKey")
                if not start:
                    return count

        with Client(chalice_app.app) as client:
            request_id = json.loads(
                client.http.post(
                    "/v1/otp", headers={"Content-Type": "application/json"}, body=json.dumps({"ss_code": SS_CODE})
                ).body
            )["request_id"]
            from chalicelib.domain.otp import otp_code

            code = otp_code(services().otp_key(), request_id)  # as the SMS carries it (stored nowhere)
            token = json.loads(
                client.http.post(
                    "/v1/token",
                    headers={"Content-Type": "application/json"},
                    body=json.dumps({"request_id": request_id, "otp": code}),
                ).body
            )["token"]
            headers = {"Authorization": f"Bearer {token}"}

            def api_call() -> int:
                response = client.http.get("/v1/me/contributions", headers=headers)
                assert response.status_code == 200, response.body
                return len(json.loads(response.body)["months"])

            assert api_call() == MONTHS and bare_query() == MONTHS
            for _ in range(20):  # warm both paths
                api_call()
                bare_query()
            api_times, raw_times = [], []
            for i in range(args.runs):  # interleaved, alternating which goes first, so noise hits both
                pair = ((api_call, api_times), (bare_query, raw_times))
                for call, times in pair if i % 2 else reversed(pair):
                    started = time.perf_counter()
                    call()
                    times.append((time.perf_counter() - started) * 1000)

    result = {
        "bench": "lookup",
        "months": MONTHS,
        "runs": args.runs,
        "p50_ms": round(_percentile(api_times, 50), 2),
        "p99_ms": round(_percentile(api_times, 99), 2),
        "raw_p50_ms": round(_percentile(raw_times, 50), 2),
        "raw_p99_ms": round(_percentile(raw_times, 99), 2),
    }
    result["p50_ratio"] = round(result["p50_ms"] / result["raw_p50_ms"], 3)
    result["ratio"] = round(result["p99_ms"] / result["raw_p99_ms"], 3)
    print(f"GET /v1/me/contributions ({MONTHS} months): p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"bare boto3 Query of the same items:      p50 {result['raw_p50_ms']} ms, p99 {result['raw_p99_ms']} ms")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
