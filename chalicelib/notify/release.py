"""The 15-minute job: notices held for quiet hours go back to `created` once their time has come,
and the outbox stream sends them."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from pynamodb.exceptions import UpdateError

from chalicelib.domain.clock import Clock
from chalicelib.notify.outbox import utc_iso
from chalicelib.store.models import Tables

logger = Logger(child=True)


def release_held(*, tables: Tables, clock: Clock) -> int:
    """Move every held notice whose `send_after` has passed to `created`; returns how many."""
    model = tables.notifications
    now = utc_iso(clock())
    released = 0
    for item in model.by_status.query("held", model.send_after <= now):
        try:
            model(item.id).update(
                actions=[model.status.set("created"), model.updated_at.set(now)],
                condition=model.status == "held",
            )
            released += 1
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
    logger.info("held notices released", released=released)
    return released
