"""Each parsed command answered from the tables; the reply texts themselves are pure
(`domain/sms_replies.py`). `QT` tells only the phone registered for the code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import sms_replies as replies
from chalicelib.domain.participation import participation
from chalicelib.domain.sms_grammar import (
    Command,
    Help,
    OptIn,
    OptOut,
    Problem,
    QueryCard,
    QueryDossier,
    QueryTime,
)
from chalicelib.store.guard import opt_in, opt_out
from chalicelib.store.history import month_row, months
from chalicelib.store.models import Tables, ledger_facts

if TYPE_CHECKING:
    from chalicelib.services import Services


def answer(svc: Services, command: Command, *, phone: str) -> str:
    """The reply to `command` sent from `phone` (E.164); acts on HUY/DK."""
    tables = svc.tables
    if isinstance(command, QueryTime):
        return _time(command, phone, tables)
    if isinstance(command, QueryCard):
        facts = ledger_facts(tables, f"hi_card#{command.card_no}")
        return (
            replies.card_reply(command.card_no, facts, svc.clock().date())
            if facts
            else replies.card_unknown(command.card_no)
        )
    if isinstance(command, QueryDossier):
        facts = ledger_facts(tables, f"dossier#{command.dossier_no}")
        if not facts:
            return replies.dossier_unknown(command.dossier_no)
        submitter = facts.get("submitter_phone") == phone  # both E.164: ingest and the inbound path normalise
        return replies.dossier_reply(command.dossier_no, facts, with_note=submitter)
    if isinstance(command, OptOut):
        opt_out(tables, phone)
        return replies.OPTED_OUT
    if isinstance(command, OptIn):
        opt_in(tables, phone)
        return replies.OPTED_IN
    if isinstance(command, Problem):
        return replies.fit(command.reason)
    assert isinstance(command, Help)
    return replies.HELP


def _time(query: QueryTime, phone: str, tables: Tables) -> str:
    try:
        person = tables.people.get(query.ss_code)
    except DoesNotExist:
        return replies.not_registered(query.ss_code)
    if person.phone != phone:  # the same words as for an unknown code: nothing is revealed
        return replies.not_registered(query.ss_code)
    rows = (month_row(item) for item in months(tables, query.ss_code, query.start, query.end))
    totals = participation(rows)
    return replies.time_reply(query.ss_code, totals.si_months, totals.ui_months, query.start, query.end)
