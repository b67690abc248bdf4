"""What a write changes that someone must be told: a person's registered phone moved.

The writer reads each person's stored item before writing it (store/writer.py); when a `people`
row replaces a registered phone, a `phone_change` fact is written to the ledger first, and its
stream tells the old phone (`phone_changed`, domain/rules.py). Written before the person: a crash
between the two leaves the old phone stored, so the redelivered row finds the change again and the
fact (keyed by the upload, the old and the new phone) is the same one, not a second.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from chalicelib.domain.clock import ICT
from chalicelib.domain.phones import mask_phone
from chalicelib.ingest.kinds import Context
from chalicelib.store.writer import Changes, Record, Wire


def phone_changes(ctx: Context) -> Changes:
    """The writer's `changes` for a people file read with `ctx`."""

    def changes(record: Record, stored: Wire | None, item: Wire) -> Iterable[Record]:
        if record.table != "people" or stored is None:
            return ()
        old, new = _text(stored.get("phone")), _text(item.get("phone"))
        if not old or old == new:
            return ()
        return (phone_change(record.key, old, new, ctx, record.origin),)

    return changes


def phone_change(ss_code: str, old: str, new: str | None, ctx: Context, origin: str | None) -> Record:
    """The ledger fact `phone_change#<ss_code>#<digest>`: one per upload that moves the phone."""
    digest = hashlib.sha256(f"{ctx.file}|{ctx.version}|{ss_code}|{old}|{new}".encode()).hexdigest()[:16]
    pk = f"phone_change#{ss_code}#{digest}"
    facts = {
        "ss_code": ss_code,
        "old_phone": old,
        "new_phone": mask_phone(new) if new else "",
        "changed_on": ctx.now.astimezone(ICT).date().isoformat(),
    }
    item = {"pk": pk, "kind": "phone_change", "facts": facts, "ss_code": ss_code, "old_phone": old}
    record = Record("ledger", pk, item)
    return record.traced(origin) if origin else record


def _text(value: object) -> str | None:
    return value.get("S") if isinstance(value, dict) else None
