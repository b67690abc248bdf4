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
from chalicelib.domain.status import MAYBE_SENT, NO_RECEIPT, Status
from chalicelib.notify.receipts import apply_to
from chalicelib.store.batches import BatchState, BatchStates, cancel
from chalicelib.store.models import Tables
from chalicelib.store.outbox import move
from chalicelib.store.receipts import parked_receipts

logger = Logger(child=True)

STUCK_REASON = f"the sender stopped between claim and outcome: {MAYBE_SENT}, not retried"
UNSENT_REASON = "the sender stopped before sending it"  # a later notice of a claim that died: sent again
NO_RECEIPT_AFTER = timedelta(hours=72)  # receipts can take that long (carriers), then none comes
NEVER = "9999-12-31T23:59:59Z"  # the `send_after` of a notice no job may send again


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
        sets = [model.reason.remove(), model.updated_at.set(now)]
        released += move(tables, item.id, Status.CREATED, sets=sets, expected=[Status.HELD])
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
            sets = [model.updated_at.set(now)]
            counts["retried"] += move(tables, item.id, Status.CREATED, sets=sets, expected=[Status.TEMPORARY_FAILURE])
        else:
            reason = f"gave up after {int(item.attempts or 0)} attempts (last: {item.reason or 'unknown'})"
            sets = [model.reason.set(reason), model.updated_at.set(now)]
            counts["gave_up"] += move(
                tables, item.id, Status.TECHNICAL_FAILURE, sets=sets, expected=[Status.TEMPORARY_FAILURE]
            )
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
    for item in stuck:
        unmoved = model.updated_at == item.updated_at  # only if nothing moved it meanwhile
        if item.claim_after and (item.claim_id, item.claim_after) in left:
            again = [model.reason.set(UNSENT_REASON), model.send_after.set(now), model.updated_at.set(now)]
            unsent += move(tables, item.id, Status.CREATED, sets=again, expected=[Status.SENDING], when=unmoved)
            continue
        sets = [model.reason.set(STUCK_REASON), model.updated_at.set(now)]
        settled += move(tables, item.id, Status.TECHNICAL_FAILURE, sets=sets, expected=[Status.SENDING], when=unmoved)
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
        sets = [model.reason.set(NO_RECEIPT), model.send_after.set(NEVER), model.updated_at.set(now)]
        unmoved = model.updated_at == item.updated_at
        ended += move(tables, item.id, Status.TEMPORARY_FAILURE, sets=sets, expected=[Status.SENT], when=unmoved)
    if ended:
        logger.warning("sent notices without a receipt after 72 hours", ended=ended)
    return ended
