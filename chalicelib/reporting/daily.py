"""The scheduled daily summary: yesterday's figures (Hanoi days) as JSON at `reports/daily/<day>.json`."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger

from chalicelib.domain.figures import summary
from chalicelib.reporting.collect import DAILY, figures_of_day
from chalicelib.services import Services

logger = Logger(child=True)


def write_daily_summary(svc: Services, day: str) -> str:
    """Write one day's summary; returns its key. Re-running a day rewrites the same object."""
    bucket = svc.settings.name("ingest")
    days, batches = figures_of_day(svc, day)
    key = f"{DAILY}{day}.json"
    body = json.dumps(summary(day, days, batches), ensure_ascii=False, indent=2)
    svc.clients.s3.put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"), ContentType="application/json")
    logger.info("daily summary written", key=key, kinds=len(days), files=len(batches))
    return key
