"""PynamoDB models. Each is declared unbound and bound to its stage's table by `bind_tables`,
so table names come from configuration and nothing is created at import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, Index, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.store.audit import AuditModel
from chalicelib.store.cases import CaseModel
from chalicelib.store.files import FileModel
from chalicelib.store.maps import plain_map


class _PeopleByUnit(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_unit"
        projection = KeysOnlyProjection()

    unit_code = UnicodeAttribute(hash_key=True)
    ss_code = UnicodeAttribute(range_key=True)


class _PeopleByPhone(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_phone"
        projection = KeysOnlyProjection()

    phone = UnicodeAttribute(hash_key=True)
    ss_code = UnicodeAttribute(range_key=True)


class PersonModel(Model):
    """An insured person. Key: `ss_code` (10 digits). GSI `by_unit`: `unit_code`, `ss_code`.
    Sparse GSI `by_phone`: `phone` (E.164), `ss_code`: who a phone is registered to (the hotline)."""

    ss_code = UnicodeAttribute(hash_key=True)
    full_name = UnicodeAttribute()
    date_of_birth = UnicodeAttribute()
    id_hash = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    unit_code = UnicodeAttribute(null=True)
    province_code = UnicodeAttribute(null=True)
    by_unit = _PeopleByUnit()
    by_phone = _PeopleByPhone()


class _EmployersByPhone(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_rep_phone"
        projection = KeysOnlyProjection()

    rep_phone = UnicodeAttribute(hash_key=True)
    unit_code = UnicodeAttribute(range_key=True)


class EmployerModel(Model):
    """An employer. Key: `unit_code`. Sparse GSI `by_rep_phone`: `rep_phone`, `unit_code`."""

    unit_code = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    rep_phone = UnicodeAttribute(null=True)
    province_code = UnicodeAttribute(null=True)
    by_rep_phone = _EmployersByPhone()


class HistoryModel(Model):
    """One month of contributions. Key: `ss_code`, `period_unit` = `<YYYY-MM>#<unit_code>`."""

    ss_code = UnicodeAttribute(hash_key=True)
    period_unit = UnicodeAttribute(range_key=True)
    period = UnicodeAttribute()
    unit_code = UnicodeAttribute()
    salary_vnd = NumberAttribute()
    si_vnd = NumberAttribute()
    hi_vnd = NumberAttribute()
    ui_vnd = NumberAttribute()
    status = UnicodeAttribute()


class _LedgerDue(GlobalSecondaryIndex):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_on = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class _LedgerByPerson(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_person"
        projection = AllProjection()

    ss_code = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class _LedgerByOldPhone(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_old_phone"
        projection = KeysOnlyProjection()

    old_phone = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class LedgerModel(Model):
    """A notifiable fact. Key: `pk` = `<kind>#<business id>` (e.g. `payment#PT-0001`).
    Sparse GSI `due`: `due_on` (`YYYY-MM-DD`), `pk`, set only on records with a reminder.
    Sparse GSI `by_person`: `ss_code`, `pk`, set on records about one person (card, plan, …).
    Sparse GSI `by_old_phone`: `old_phone`, `pk`, set on `phone_change#<ss_code>#…` facts only: who
    a phone used to belong to (the hotline finds a person by a phone they no longer have)."""

    pk = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    facts = MapAttribute()  # the row's validated values, flat
    due_on = UnicodeAttribute(null=True)
    ss_code = UnicodeAttribute(null=True)  # copied from facts, for the by_person index
    source = UnicodeAttribute(null=True)  # `<file>#<line>` first told from: the correlation id
    old_phone = UnicodeAttribute(null=True)  # a phone_change's old phone (E.164), for by_old_phone
    due = _LedgerDue()
    by_person = _LedgerByPerson()
    by_old_phone = _LedgerByOldPhone()

    def facts_dict(self) -> dict[str, Any]:
        """The row's validated values, flat, as plain Python."""
        return plain_map(self.facts)

    def image(self) -> dict[str, Any]:
        """The item as the rules see it (`decide`, `remind`): its facts beside kind, pk and due_on."""
        return {**self.facts_dict(), "kind": self.kind, "pk": self.pk, "due_on": self.due_on}


def ledger_image(image: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A ledger stream image (deserialised) as the rules see it; None for no image."""
    if not image:
        return None
    return {**dict(image.get("facts") or {}), "kind": image.get("kind"), "pk": image.get("pk")}


def ledger_facts(tables: Tables, pk: str) -> dict[str, Any] | None:
    """The facts of one ledger item (`hi_card#…`, `dossier#…`), or None when there is none."""
    try:
        return tables.ledger.get(pk).facts_dict()
    except DoesNotExist:
        return None


class _OutboxByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    send_after = UnicodeAttribute(range_key=True)


class _OutboxByBatch(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_batch"
        projection = IncludeProjection(["status"])

    batch = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class _OutboxByRecipient(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_recipient"
        projection = KeysOnlyProjection()

    recipient_ref = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class NotificationModel(Model):
    """The outbox, and the record that a fact was told. Key: `id` = `<template>#<keyed hash of the
    dedupe key>` (notify/retention.py: no personal value in a key that stays). GSI `by_status`:
    `status`, `send_after` (UTC ISO-8601). (A receipt finds its notice by `sms#<provider_id>` in
    guard: store/receipts.py.) Sparse GSI `by_batch`: `batch` (the batch file's S3 key), `id`, with
    `status`: a file's notices, for batch control. `expires_at` (epoch seconds, TTL) removes the item
    with its personal data; what stays of a notice about a fact (its key, status and times, no phone,
    parameters or recipient) is written back at once with `stripped_at` (notify/retention.py)."""

    id = UnicodeAttribute(hash_key=True)
    template = UnicodeAttribute()
    params = MapAttribute(null=True)  # personal: the template's values
    recipient_kind = UnicodeAttribute(null=True)  # personal, with recipient_ref and phone
    recipient_ref = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    urgent = BooleanAttribute(default=False)  # the lane: OTPs and query replies
    created_at = UnicodeAttribute()
    send_after = UnicodeAttribute(null=True)  # absent once stripped: out of `by_status`
    updated_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    provider_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)  # the correlation id: the fact's `<file>#<line>`, or the request's
    batch = UnicodeAttribute(null=True)  # the batch file (`incoming/<kind>/<name>.csv`) it came from, if any
    sent_at = UnicodeAttribute(null=True)  # when SNS accepted it
    parts = NumberAttribute(null=True)  # message parts: as sent, then as the carrier counted them
    receipt_at = UnicodeAttribute(null=True)  # when its delivery receipt was applied
    price_usd = NumberAttribute(null=True)  # SNS's price for it, from the receipt
    carrier = UnicodeAttribute(null=True)  # the phone's carrier, from the receipt
    expires_at = NumberAttribute(null=True)  # TTL: the item (phone, params, recipient) goes then
    claim_id = UnicodeAttribute(null=True)  # the sender invocation that claimed it (notify/sender.py)
    claim_after = UnicodeAttribute(null=True)  # the notice that invocation sends just before it
    stripped_at = UnicodeAttribute(null=True)  # set on what stays after the TTL removed the item
    by_status = _OutboxByStatus()
    by_batch = _OutboxByBatch()
    by_recipient = _OutboxByRecipient()


class GuardModel(Model):
    """The service's small items, eleven kinds in one table told apart by the prefix of `pk`; each
    kind has one owner module, the only one that reads or writes it (attributes used; TTL: lapses).

    - `optout#<E.164 phone>`: the phone sent BH HUY, the service's own list (key only; store/guard.py).
    - `once#<marker>`: a first-time marker (`hits`, TTL; store/guard.py): `signin#<session hash>` (a
      staff sign-in recorded), `rejected#<staff>#<file>#<hour>` (a read of rejected rows audited).
    - `rate#<scope>#<window start>`: a rate-limit window's count (`hits`, TTL; store/guard.py); scopes
      `card-check#<client>`, `dossier#<client>`, `otp-client#<client>`, `otp-code#<ss_code>`,
      `resend#<staff>`, `sms#<phone>`.
    - `otp#<request id>`: an OTP request, whose and the tries made, never the code (`data`, TTL;
      api/otp.py).
    - `count#<YYYY-MM-DD>#<template>#<measure>`: a day's notice counter, `p<province>` attributes its
      provinces' shares (`hits`; store/counters.py).
    - `batch#<batch>`: a batch file's state and its revision (`data`, `hits`; store/batches.py).
    - `tally#<batch>`: a batch's unsent notices, approximate (`hits`; store/batches.py).
    - `sms#<SNS message id>`: the notice an SMS was (`data`, TTL; store/receipts.py).
    - `receipt#<SNS message id>`: a receipt that came before its notice was recorded `sent` (`data`,
      TTL; store/receipts.py).
    - `casecode#<province>#<yymm>`: the month's case-code sequence (`hits`; store/case_codes.py).
    - `reminders#through`: the last day whose reminders run finished (`data`; store/guard.py).

    `expires_at` (epoch seconds) lets DynamoDB's TTL remove what has lapsed."""

    pk = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute(null=True)
    hits = NumberAttribute(null=True)
    data = MapAttribute(null=True)


M = TypeVar("M", bound=Model)


def _bind(model: type[M], table: str, region: str, credentials: Mapping[str, str] | None) -> type[M]:
    meta: dict[str, object] = {"table_name": table, "region": region, **(credentials or {})}
    namespace: dict[str, object] = {"Meta": type("Meta", (), meta), "__module__": __name__}
    for name, value in vars(model).items():  # an index belongs to one bound model: give each its own
        if isinstance(value, Index):
            namespace[name] = type(value)()
    return type(model.__name__.removesuffix("Model"), (model,), namespace)


@dataclass(frozen=True)
class Tables:
    people: type[PersonModel]
    employers: type[EmployerModel]
    history: type[HistoryModel]
    ledger: type[LedgerModel]
    notifications: type[NotificationModel]
    guard: type[GuardModel]
    audit: type[AuditModel]
    files: type[FileModel]
    cases: type[CaseModel]


def bind_tables(prefix: str, region: str, credentials: Mapping[str, str] | None = None) -> Tables:
    """The models bound to `<prefix>-<table>`; PynamoDB connects on first use, with `credentials`
    (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) when given, else the
    environment's."""
    return Tables(
        people=_bind(PersonModel, f"{prefix}-people", region, credentials),
        employers=_bind(EmployerModel, f"{prefix}-employers", region, credentials),
        history=_bind(HistoryModel, f"{prefix}-history", region, credentials),
        ledger=_bind(LedgerModel, f"{prefix}-ledger", region, credentials),
        notifications=_bind(NotificationModel, f"{prefix}-notifications", region, credentials),
        guard=_bind(GuardModel, f"{prefix}-guard", region, credentials),
        audit=_bind(AuditModel, f"{prefix}-audit", region, credentials),
        files=_bind(FileModel, f"{prefix}-files", region, credentials),
        cases=_bind(CaseModel, f"{prefix}-cases", region, credentials),
    )


def exists(model: type[Model], hash_key: str) -> bool:
    """Whether an item is there: one read by key (0.5 RRU), keys only. Not a query, whose cost in
    moto grows with the table (markers and counters accumulate in guard, notices in the outbox)."""
    try:
        model.get(hash_key, attributes_to_get=[model._hash_keyname])
    except DoesNotExist:
        return False
    return True
