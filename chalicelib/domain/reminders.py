"""remind(record, today): what the daily 08:00 job tells about a ledger record that is due.

Pure, like decide(): the job hands each record the `due` index gave it for the days it covers (its
facts, `kind`, `pk` and `due_on`); nothing is looked up. A record is told when its `due_on` has come
(today, or a day whose run was missed, back to `CATCH_UP`) and the date it warns of has not passed.
The dedupe key is the fact the reminder is about (card and expiry; ss_code and paid-up month; unit and
arrears month), so a run covering a day twice, or a re-upload of the same row, tells nobody twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chalicelib.domain.coverage import month_end
from chalicelib.domain.due_dates import CATCH_UP
from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.rules import Image


def remind(record: Image, today: date) -> list[Notice]:
    """The reminders a record calls for on `today`: none before its day, none once what it warns of
    has passed, none for a day older than the catch-up window."""
    due_on = str(record.get("due_on") or "")
    if not due_on or not (today - CATCH_UP).isoformat() <= due_on <= today.isoformat():
        return []
    kind = _REMINDERS.get(str(record.get("kind", "")))
    if kind is None:
        return []
    rule, warns_of = kind
    last_day = warns_of(record)
    if last_day is not None and last_day < today:
        return []
    return rule(record)


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


def _card_expiry(record: Image) -> date:
    return date.fromisoformat(str(record["valid_to"]))


def _plan_end(record: Image) -> date:
    return month_end(str(record["paid_to"]))


# kind -> (its notices, the date it warns of: None when only the catch-up window bounds it)
_REMINDERS: dict[str, tuple[Callable[[Image], list[Notice]], Callable[[Image], date | None]]] = {
    "hi_card": (_hi_card, _card_expiry),
    "voluntary": (_voluntary, _plan_end),
    "arrears": (_arrears, lambda record: None),
}
