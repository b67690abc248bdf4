"""Which notice an SMS was, by SNS's message id, and receipts that came before their notice was
recorded `sent` (CONTRACT: "a receipt that arrives before the send is recorded is not lost").

`sms#<message id>` → the notice's id: written by `route` for every notice that became `sent` in a
stream batch (25 to a BatchWriteItem call), read by the receipts in batches (100 to a consistent
BatchGetItem call). So a receipt costs a share of one read and its one conditional update; no index
is queried per receipt (and none grows with the outbox).

A receipt whose message id has no notice yet (SNS answers the Publish, the sender records it a few
milliseconds later; locally the receipt nearly always comes first) is parked as
`receipt#<message id>`, the parsed receipt only (no phone). `route` reads the parked receipts of the
notices it records, and whoever parks reads the map again after parking: with consistent reads one
of the two always sees the other's write. The 72-hour rule reads them once more before it ends a
notice. Receipts of another stage sharing the account park too, and expire unread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.domain.clock import Clock
from chalicelib.domain.receipts import Receipt
from chalicelib.store.maps import plain_map
from chalicelib.store.models import Tables

KEPT_S = 4 * 24 * 3600  # beyond the 72-hour rule's reach


def _sms(message_id: str) -> str:
    return f"sms#{message_id}"


def _parked(message_id: str) -> str:
    return f"receipt#{message_id}"


def record_sent(tables: Tables, notices: Mapping[str, str], *, clock: Clock) -> None:
    """Remember which notice each message id is (`{message id: notice id}`)."""
    expires = int(clock().timestamp()) + KEPT_S
    model = tables.guard
    with model.batch_write() as batch:
        for message_id, notice_id in notices.items():
            batch.save(model(_sms(message_id), expires_at=expires, data={"notice": notice_id}))


def notices_of(tables: Tables, message_ids: Iterable[str]) -> dict[str, str]:
    """`{message id: notice id}` for those known (consistent reads)."""
    keys = sorted({_sms(m) for m in message_ids if m})
    if not keys:
        return {}
    found = tables.guard.batch_get(keys, consistent_read=True)
    return {item.pk.removeprefix("sms#"): str(plain_map(item.data)["notice"]) for item in found if item.data}


def park_receipt(tables: Tables, receipt: Receipt, *, clock: Clock) -> None:
    expires = int(clock().timestamp()) + KEPT_S
    tables.guard(_parked(receipt.message_id), expires_at=expires, data={"receipt": receipt.to_json()}).save()


def parked_receipts(tables: Tables, message_ids: Iterable[str]) -> list[Receipt]:
    """The parked receipts of these message ids (consistent reads, 100 a call)."""
    keys = sorted({_parked(m) for m in message_ids if m})
    if not keys:
        return []
    found = tables.guard.batch_get(keys, consistent_read=True)
    return [Receipt.from_json(str(plain_map(item.data)["receipt"])) for item in found if item.data]
