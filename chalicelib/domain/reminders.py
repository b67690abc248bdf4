"""remind(record, today): what the daily 08:00 job tells about a ledger record due today.

Pure, like decide(): the job hands each record the `due` index gave it for today (its facts,
`kind`, `pk` and `due_on`); nothing is looked up. The dedupe key is the fact the reminder is
about (card and expiry; ss_code and paid-up month; unit and arrears month), so a second run of
the job on the same day, or a re-upload of the same row, tells nobody twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.rules import Image


def remind(record: Image, today: date) -> list[Notice]:
    """The reminders a due record calls for today; nothing for a record not due today."""
    if str(record.get("due_on", "")) != today.isoformat():
        return []
    rule = _REMINDERS.get(str(record.get("kind", "")))
    return rule(record) if rule else []


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().upper() in ("Y", "1", "TRUE", "YES")
    return bool(value)


def _hi_card(record: Image) -> list[Notice]:
    if not _truthy(record.get("household")):
        return []  # only household cards are renewed by the holder; others by the employer or state
    card, valid_to = str(record["card_no"]), str(record["valid_to"])
    return [
        Notice(
            template="hi_card_expiring",
            dedupe_key=f"hi_card_expiring#{card}#{valid_to}",
            recipient=Recipient("person", str(record["ss_code"])),
            params={"card_no": card, "valid_to": valid_to},
        )
    ]


def _voluntary(record: Image) -> list[Notice]:
    ss, paid_to = str(record["ss_code"]), str(record["paid_to"])
    return [
        Notice(
            template="voluntary_due",
            dedupe_key=f"voluntary_due#{ss}#{paid_to}",
            recipient=Recipient("person", ss),
            params={"paid_to": paid_to},
        )
    ]


def _arrears(record: Image) -> list[Notice]:
    unit, period = str(record["unit_code"]), str(record["period"])
    notices = [
        Notice(
            template="arrears",
            dedupe_key=f"arrears#{unit}#{period}",
            recipient=Recipient("employer", unit),
            params={"unit_code": unit, "owed_vnd": str(int(record["owed_vnd"])), "month": period},
        )
    ]
    if int(record.get("months_late") or 0) >= 1:
        notices.append(
            Notice(
                template="arrears_employee",
                dedupe_key=f"arrears_employee#{unit}#{period}",  # the outbox adds each employee's ss_code
                recipient=Recipient("unit_employees", unit),
                params={"unit_code": unit, "month": period},
            )
        )
    return notices


_REMINDERS: dict[str, Callable[[Image], list[Notice]]] = {
    "hi_card": _hi_card,
    "voluntary": _voluntary,
    "arrears": _arrears,
}
