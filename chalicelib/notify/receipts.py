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
from chalicelib.domain.status import Status
from chalicelib.observability import correlate
from chalicelib.store.models import Tables
from chalicelib.store.outbox import record_receipt
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

    again = None  # the 15-minute job sends a temporary failure again, later each time
    if receipt.status == Status.TEMPORARY_FAILURE:
        again = retry_after(tables.notifications.get(notice_id), clock)
    item = record_receipt(tables, notice_id, receipt, utc_iso(clock()), send_after=again)
    if item is None:
        return "ignored"
    correlate(item.source)
    logger.info("receipt recorded", notice=notice_id, provider_id=receipt.message_id, status=receipt.status)
    return receipt.status
