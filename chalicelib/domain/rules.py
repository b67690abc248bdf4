"""decide(old, new): from a ledger record's two images to the notices it calls for.

Pure: the images are plain dicts (as the stream gives them, deserialised), nothing is looked up.
A MODIFY that does not change what a notice is about decides nothing; the dedupe key makes a
repeated decision harmless anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.domain.notices import Notice, Recipient

Image = Mapping[str, Any]


def decide(old: Image | None, new: Image | None) -> list[Notice]:
    """Zero or more notices for a change of one ledger record."""
    if new is None:
        return []
    rule = _RULES.get(str(new.get("kind", "")))
    return rule(old, new) if rule else []


def _payment(old: Image | None, new: Image) -> list[Notice]:
    if old is not None:  # a payment is told when it arrives; corrections are not news
        return []
    return [
        Notice(
            template="payment_received",
            dedupe_key=f"payment_received#{new['payment_id']}",
            recipient=Recipient("employer", str(new["unit_code"])),
            params={
                "unit_code": str(new["unit_code"]),
                "amount_vnd": str(int(new["amount_vnd"])),
                "paid_on": str(new["paid_on"]),
            },
        )
    ]


_RULES: dict[str, Callable[[Image | None, Image], list[Notice]]] = {
    "payment": _payment,
}
