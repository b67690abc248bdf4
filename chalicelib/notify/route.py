"""The outbox stream's one reader, `route`: each change of a notice is looked at once, a batch at a
time, and turned into what follows from it. Nothing is sent here.

- A notice that has just become `created` (new, released, retried, resumed) becomes a message on its
  lane's queue (domain/lanes.py): OTPs and query replies on `urgent`, the rest on `bulk`; urgent ones
  first, ten to a call.
- A notice the TTL removed is written back without its personal data (notify/retention.py), before
  anything of the batch is routed: a fact seen again in that moment finds its key taken again.
- A notice that has just become `sent` is recorded under its SNS message id, for its receipt, and
  gets the receipt that came before it, if one was parked (store/receipts.py): one write and one
  read for the batch.
- The agency's counters and the `Notices` metrics move by the batch's sums, one write per day,
  template and measure, not one per change (store/counters.py); each province's share moves in the
  same write, the batch's recipients' provinces read together (notify/provinces.py). So does each
  batch file's count of unsent notices (store/batches.py: whether a pause or stop has anything left
  to act on).

A failure fails the whole batch, which the stream delivers again: routing a notice twice is harmless
(the sender's claim), and the counters are an overview (at-least-once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.aws.lanes import LaneMessage
from chalicelib.domain.clock import utc_iso
from chalicelib.domain.figures import change_counts, ict_day
from chalicelib.domain.lanes import Lane, lane_of, should_route
from chalicelib.domain.status import LEFT_TO_SEND, Status
from chalicelib.notify.provinces import notice_provinces
from chalicelib.notify.receipts import apply_to
from chalicelib.notify.retention import what_stays
from chalicelib.observability import count_metric
from chalicelib.services import Services
from chalicelib.store.batches import add_unsent
from chalicelib.store.counters import add_counts
from chalicelib.store.outbox import put_kept
from chalicelib.store.receipts import parked_receipts, record_sent

logger = Logger(child=True)

Image = Mapping[str, Any]


@dataclass
class Change:
    """One stream record, its images deserialised (None where the record has none)."""

    old: Image | None
    new: Image | None
    ttl_removal: bool = False


@dataclass
class Routed:
    lanes: dict[Lane, list[LaneMessage]] = field(default_factory=lambda: {Lane.URGENT: [], Lane.BULK: []})
    kept: list[dict[str, Any]] = field(default_factory=list)
    sent: dict[str, str] = field(default_factory=dict)  # provider id → notice id
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    province_counts: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    unsent: Counter[str] = field(default_factory=Counter)  # batch → change in its unsent notices

    def summary(self) -> dict[str, int]:
        return {
            "urgent": len(self.lanes[Lane.URGENT]),
            "bulk": len(self.lanes[Lane.BULK]),
            "kept": len(self.kept),
            "sent": len(self.sent),
            "counters": len(self.counts),
        }


def plan(changes: Sequence[Change], now_iso: str, provinces: Mapping[str, str] | None = None) -> Routed:
    """What a batch of changes asks for (pure: no AWS). `provinces`: each notice's province, for the
    province's own counters (notify/provinces.py)."""
    routed = Routed()
    for change in changes:
        old, new = change.old, change.new
        if change.ttl_removal and old is not None:
            kept = what_stays(old, now_iso)
            if kept is not None:
                routed.kept.append(kept)
            continue
        if new is None:
            continue
        if should_route(old, new):
            routed.lanes[lane_of(bool(new.get("urgent")))].append(LaneMessage(str(new["id"]), new.get("batch")))
        if new.get("status") == Status.SENT and new.get("provider_id") and (old or {}).get("status") != Status.SENT:
            routed.sent[str(new["provider_id"])] = str(new["id"])
        moved = change_counts(old, new)
        if moved:
            day = ict_day(str(new.get("updated_at") or new.get("created_at")))
            province = (provinces or {}).get(str(new.get("id")))
            for measure, amount in moved.items():
                routed.counts[(day, str(new.get("template")), measure)] += amount
                if province:
                    routed.province_counts[(province, day, str(new.get("template")), measure)] += amount
        if not new.get("stripped_at") and (old is None or old.get("status") != new.get("status")):
            routed.statuses[(str(new.get("template")), str(new.get("status")))] += 1
        if new.get("batch") and not new.get("stripped_at"):
            routed.unsent[str(new["batch"])] += _unsent(new) - _unsent(old)
    return routed


def _unsent(image: Image | None) -> int:
    return int(image is not None and image.get("status") in LEFT_TO_SEND)


def route_changes(svc: Services, changes: Sequence[Change]) -> dict[str, int]:
    """Carry out a batch's plan, in the order the module docstring gives; returns what it did."""
    counted = [c.new for c in changes if c.new is not None and change_counts(c.old, c.new)]
    provinces = notice_provinces(svc.tables, counted) if counted else {}
    routed = plan(changes, utc_iso(svc.clock()), provinces)
    if routed.kept:
        put_kept(svc.tables, routed.kept)
    for lane in (Lane.URGENT, Lane.BULK):
        svc.lanes.send(lane, routed.lanes[lane])
    applied = 0
    if routed.sent:
        record_sent(svc.tables, routed.sent, clock=svc.clock)
        for receipt in parked_receipts(svc.tables, routed.sent):
            applied += apply_to(svc.tables, routed.sent[receipt.message_id], receipt, clock=svc.clock) != "ignored"
    if routed.counts:
        add_counts(svc.tables, routed.counts, routed.province_counts)
    add_unsent(svc.tables, routed.unsent)
    for (template, status), n in routed.statuses.items():
        count_metric("Notices", n, template=template, status=status)
        if status == Status.UNREACHABLE:
            count_metric("UnreachableRecipients", n, template=template)
    summary = routed.summary() | {"parked_applied": applied}
    logger.debug("outbox changes routed", **summary)
    return summary
