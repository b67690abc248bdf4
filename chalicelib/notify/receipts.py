"""Delivery receipts: SNS's SMS delivery-status record moves a sent notice to `delivered` or to a
failure status with the carrier's reason, and leaves on it the price, the parts and the carrier.

Records are read by domain/receipts.py and applied in batches: the notices of a batch's message ids
are read together (store/receipts.py), then each notice moves by one conditional update. A receipt
only moves a notice forward, from `sent` (or from the 72-hour rule's "no delivery receipt", which a
late receipt corrects), so a late or repeated receipt changes nothing. A notice `sending` is on
another attempt than the receipt's (this attempt's message id is not known until it is `sent`):
the sender's outcome is the one written. A receipt
whose notice is not yet recorded `sent` is parked and applied when it is: none is lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.receipts import Receipt, read_receipt
from chalicelib.domain.status import NO_RECEIPT, Status
from chalicelib.observability import correlate
from chalicelib.store.models import Tables
from chalicelib.store.outbox import move_answered
from chalicelib.store.receipts import notices_of, park_receipt

logger = Logger(child=True)


def apply_receipt(message: str, *, tables: Tables, clock: Clock) -> str:
    """Record one receipt (SNS's record, as JSON); returns what became of it (apply_receipts)."""
    [outcome] = apply_receipts([read_receipt(message)], tables=tables, clock=clock).elements()
    return outcome


def apply_receipts(receipts: Sequence[Receipt], *, tables: Tables, clock: Clock) -> Counter[str]:
    """Record a batch of receipts; counts what became of them: the status set, `parked` (no notice has
    its message id yet) or `ignored` (its notice is already past it)."""
    outcomes: Counter[str] = Counter()
    known = notices_of(tables, [r.message_id for r in receipts])
    unknown = [r for r in receipts if r.message_id not in known]
    for receipt in unknown:
        park_receipt(tables, receipt, clock=clock)
    if unknown:  # recorded meanwhile? then `route` may have looked for the parked receipt too early
        known |= notices_of(tables, [r.message_id for r in unknown])
    for receipt in receipts:
        if receipt.message_id in known:
            outcomes[apply_to(tables, known[receipt.message_id], receipt, clock=clock)] += 1
        else:
            logger.info("receipt parked: no notice yet", provider_id=receipt.message_id)
            outcomes["parked"] += 1
    correlate(None)
    return outcomes


def apply_to(tables: Tables, notice_id: str, receipt: Receipt, *, clock: Clock) -> str:
    """Move one notice by its receipt, if it is still waiting for one: one conditional update."""
    from chalicelib.notify.sender import retry_after  # the sender's backoff; imported late: it imports much

    model = tables.notifications
    now = utc_iso(clock())
    actions = [model.updated_at.set(now), model.receipt_at.set(now)]
    if receipt.reason is not None:
        actions.append(model.reason.set(receipt.reason))
    else:
        actions.append(model.reason.remove())  # a late receipt corrects "no delivery receipt"
    if receipt.price_usd is not None:
        actions.append(model.price_usd.set(float(receipt.price_usd)))
    if receipt.parts is not None:
        actions.append(model.parts.set(receipt.parts))
    if receipt.carrier is not None:
        actions.append(model.carrier.set(receipt.carrier))
    if receipt.status == Status.TEMPORARY_FAILURE:  # the 15-minute job sends it again, later each time
        actions.append(model.send_after.set(retry_after(model.get(notice_id), clock)))
    waiting = [Status.SENT, Status.TEMPORARY_FAILURE]  # a failure only when the 72-hour rule said so
    only_unconfirmed = (model.status != Status.TEMPORARY_FAILURE) | (model.reason == NO_RECEIPT)
    item = move_answered(tables, notice_id, receipt.status, sets=actions, expected=waiting, when=only_unconfirmed)
    if item is None:
        return "ignored"
    correlate(item.source)
    logger.info("receipt recorded", notice=notice_id, provider_id=receipt.message_id, status=receipt.status)
    return receipt.status
