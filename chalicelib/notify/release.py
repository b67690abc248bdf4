"""The 15-minute job: notices held for quiet hours go back to `created` once their time has come
(unless their batch file is paused; a stopped one's are cancelled), and temporary failures are tried
again (outside quiet hours, up to a bound); the outbox stream routes them to be sent. A notice left
in `sending` by a sender that died is settled, never sent again; one left `sent` 72 hours without a
receipt ends `temporary-failure`, "no delivery receipt", never sent again (CONTRACT)."""

from __future__ import annotations

from datetime import timedelta

from aws_lambda_powertools import Logger

from chalicelib.domain.claims import STUCK_AFTER
from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.status import MAYBE_SENT, Status
from chalicelib.notify.receipts import apply_to
from chalicelib.store.batches import BatchState, BatchStates
from chalicelib.store.models import Tables
from chalicelib.store.outbox import cancel, end_without_receipt, give_up, release, retry, send_again, settle
from chalicelib.store.receipts import parked_receipts

logger = Logger(child=True)

STUCK_REASON = f"the sender stopped between claim and outcome: {MAYBE_SENT}, not retried"
UNSENT_REASON = "the sender stopped before sending it"  # a later notice of a claim that died: sent again
NO_RECEIPT_AFTER = timedelta(hours=72)  # receipts can take that long (carriers), then none comes


def release_held(*, tables: Tables, clock: Clock) -> int:
    """Move every held notice whose `send_after` has passed to `created`, but a paused batch's
    (it waits for its resume) and a stopped batch's (cancelled); returns how many were released."""
    model = tables.notifications
    now = utc_iso(clock())
    states = BatchStates(tables)
    released = cancelled = 0
    for item in model.by_status.query(Status.HELD, model.send_after <= now):
        state = states(item.batch)
        if state is BatchState.PAUSED:
            continue
        if state is BatchState.STOPPED:
            cancelled += cancel(tables, item.id, now, expected=(Status.HELD,))
            continue
        released += release(tables, item.id, now)
    logger.info("held notices released", released=released, cancelled=cancelled)
    return released


def retry_failed(*, tables: Tables, clock: Clock, max_attempts: int) -> dict[str, int]:
    """Temporary failures whose wait is over go back to `created`; one that has had `max_attempts`
    sends ends `technical-failure`, its reason saying so. Nothing is retried at night."""
    model = tables.notifications
    moment = clock()
    now = utc_iso(moment)
    counts = {"retried": 0, "gave_up": 0}
    if release_time(moment) is not None:
        return counts
    for item in model.by_status.query(Status.TEMPORARY_FAILURE, model.send_after <= now):
        if int(item.attempts or 0) < max_attempts:
            counts["retried"] += retry(tables, item.id, now)
        else:
            reason = f"gave up after {int(item.attempts or 0)} attempts (last: {item.reason or 'unknown'})"
            counts["gave_up"] += give_up(tables, item.id, reason, now)
    logger.info("failed notices retried", **counts)
    return counts


def settle_stuck(*, tables: Tables, clock: Clock) -> int:
    """Notices still `sending` long after any sender could be running: the sender died after its
    claim. The one it stopped at may have been published, so it ends `technical-failure`: sending
    again could tell twice (as with a lost answer, notify/retry.py). One whose predecessor in the same
    claim (notify/sender.py) was left `sending` too was never published: it goes back to `created`.
    Returns how many ended failed; the figures count them as failed."""
    model = tables.notifications
    moment = clock()
    now, cutoff = utc_iso(moment), utc_iso(moment - STUCK_AFTER)
    stuck = list(model.by_status.query(Status.SENDING, filter_condition=model.updated_at < cutoff))
    left = {(item.claim_id, item.id) for item in stuck if item.claim_id}
    settled = unsent = 0
    for item in stuck:  # each only if nothing moved it meanwhile
        if item.claim_after and (item.claim_id, item.claim_after) in left:
            unsent += send_again(tables, item, UNSENT_REASON, now)
        else:
            settled += settle(tables, item, STUCK_REASON, now)
    if settled or unsent:
        logger.warning("notices stuck in sending settled", settled=settled, sent_again=unsent)
    return settled


def end_unconfirmed(*, tables: Tables, clock: Clock) -> int:
    """Notices `sent` 72 hours ago with no receipt end `temporary-failure`, "no delivery receipt",
    never to be sent again (`send_after` NEVER: out of the retry job's reach). A receipt parked for
    one of them is applied instead; a receipt that still comes later is applied too (receipts.py).
    Returns how many ended so."""
    model = tables.notifications
    moment = clock()
    now, cutoff = utc_iso(moment), utc_iso(moment - NO_RECEIPT_AFTER)
    # sent at or before the cutoff: its `send_after` (when it became due) is earlier still
    waiting = list(model.by_status.query(Status.SENT, model.send_after <= cutoff, model.updated_at <= cutoff))
    by_provider = {item.provider_id: item for item in waiting if item.provider_id}
    for receipt in parked_receipts(tables, by_provider):
        apply_to(tables, by_provider[receipt.message_id].id, receipt, clock=clock)
    ended = 0
    for item in waiting:
        ended += end_without_receipt(tables, item, now)
    if ended:
        logger.warning("sent notices without a receipt after 72 hours", ended=ended)
    return ended
