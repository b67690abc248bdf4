"""Test data, one way: people, employers, months of history and ledger facts written through the
bound models in the shapes ingest writes them (CONTRACT's batch files), and the carrier's JSON.

Every test that needs data takes the `make` fixture (tests/conftest.py), a `Factory` on the test's
tables. The end-to-end tests write into a running stack through the same `Factory`, bound there.
"""

from __future__ import annotations

import io
import json
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.store.models import Tables

SS = "0110129425"
UNIT = "TZH490L"
REP_PHONE = "+84912345678"  # the employer's representative
PERSON_PHONE = "+84987654321"  # the insured person's registered phone
SUBMITTER_PHONE = "+84903123456"
NAME = "Nguyễn Văn An"
BORN = "1990-01-01"

EMPLOYERS_CSV = "unit_code,name,rep_phone,province_code\nTZH490L,Công ty Dệt may Hoàng Mai,0912345678,40\n"
PAYMENTS_CSV = "payment_id,unit_code,paid_on,amount_vnd,period\nPT-0001,TZH490L,2026-11-05,12500000,2026-10\n"


@dataclass
class Crowd:
    """People made by `Factory.crowd`: everyone, and who should get a 2026 yearly statement."""

    everyone: set[str] = field(default_factory=set)
    eligible: set[str] = field(default_factory=set)


class Factory:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def employer(
        self,
        unit: str = UNIT,
        *,
        phone: str | None = REP_PHONE,
        name: str = "Công ty Dệt may Hoàng Mai",
        province: str = "40",
    ) -> None:
        self.tables.employers(unit_code=unit, name=name, rep_phone=phone, province_code=province).save()

    def person(
        self,
        ss: str = SS,
        *,
        phone: str | None = PERSON_PHONE,
        unit: str | None = UNIT,
        name: str = NAME,
        born: str = BORN,
        id_hash: str | None = None,
        province: str = "40",
    ) -> None:
        self.tables.people(
            ss_code=ss,
            full_name=name,
            date_of_birth=born,
            phone=phone,
            unit_code=unit,
            province_code=province,
            id_hash=id_hash,
        ).save()

    def month(
        self,
        period: str,
        *,
        ss: str = SS,
        unit: str = UNIT,
        status: str = "paid",
        salary: int = 8_000_000,
        si: int | None = None,
        ui: int | None = None,
    ) -> None:
        """One month of contributions; the shares follow the salary (25.5 % SI, 4.5 % HI, 2 % UI)."""
        self.tables.history(**_month(period, ss, unit, status, salary, si, ui)).save()

    def months(self, periods: Iterable[str], *, ss: str = SS, status: str = "paid") -> None:
        """Many months of one person, in one batch write."""
        with self.tables.history.batch_write() as batch:
            for period in periods:
                batch.save(self.tables.history(**_month(period, ss, UNIT, status, 8_000_000, None, None)))

    def ledger(self, pk: str, facts: dict[str, Any], *, due_on: str | None = None, source: str | None = None) -> None:
        """A fact `<kind>#<business id>`; its `ss_code` copied for the `by_person` index, as ingest does;
        `source` the `<file>#<line>` it came from (its notices then belong to that batch file)."""
        kind = pk.split("#", 1)[0]
        facts_ss = facts.get("ss_code")
        self.tables.ledger(pk=pk, kind=kind, facts=facts, due_on=due_on, ss_code=facts_ss, source=source).save()

    def payments(self, n: int, *, file: str = "incoming/payments/2026-11.csv", first: int = 0) -> list[str]:
        """`n` payments of one file to the employer (made too): their notices' dedupe keys."""
        self.employer()
        keys = []
        for i in range(first, first + n):
            facts = {"payment_id": f"PT-{i}", "unit_code": UNIT, "paid_on": "2026-11-05", "amount_vnd": 1000 + i}
            self.ledger(f"payment#PT-{i}", facts, source=f"{file}#{i + 2}")
            keys.append(f"payment_received#PT-{i}")
        return keys

    def notice(self, notice_id: str, status: str, **values: Any) -> str:
        """An outbox item left in `status` (as if the moves had brought it there): its id."""
        at = "2026-11-25T03:00:00Z"
        values = {"created_at": at, "updated_at": at, "send_after": at, "phone": REP_PHONE, **values}
        self.tables.notifications(notice_id, template=notice_id.split("#")[0], status=status, **values).save()
        return notice_id

    def crowd(self, n: int) -> Crowd:
        """n people of every sort for the yearly statement of 2026: eligible, without a phone,
        without a month in 2026, with only an owed month."""
        crowd = Crowd()
        for i in range(n):
            ss = f"40{i:08d}"
            sort = i % 4
            phone = None if sort == 1 else f"+8498{i:07d}"
            self.person(ss, phone=phone, unit=None)
            crowd.everyone.add(ss)
            if sort == 0:
                self.months([f"2026-{m:02d}" for m in range(1, 13)], ss=ss)
                crowd.eligible.add(ss)
            elif sort == 1:
                self.months(["2026-01", "2026-02"], ss=ss)
            elif sort == 2:
                self.months(["2025-11", "2025-12", "2027-01"], ss=ss)
            else:
                self.months(["2026-05"], ss=ss, status="owed")
        return crowd


def _month(period: str, ss: str, unit: str, status: str, salary: int, si: int | None, ui: int | None) -> dict[str, Any]:
    return {
        "ss_code": ss,
        "period_unit": f"{period}#{unit}",
        "period": period,
        "unit_code": unit,
        "salary_vnd": salary,
        "si_vnd": salary * 255 // 1000 if si is None else si,
        "hi_vnd": salary * 45 // 1000,
        "ui_vnd": salary * 2 // 100 if ui is None else ui,
        "status": status,
    }


def carrier(body: str, *, sender: str = PERSON_PHONE, inbound_id: str | None = None) -> str:
    """The carrier's JSON for one SMS to the short code, as SNS carries it in `Message`."""
    return json.dumps(
        {
            "originationNumber": sender,
            "destinationNumber": "8079",
            "messageKeyword": "BH",
            "messageBody": body,
            "inboundMessageId": inbound_id or str(uuid.uuid4()),
            "previousPublishedMessageId": str(uuid.uuid4()),
        }
    )


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks Windows-1258 writes as combining characters


def windows_1258(text: str) -> bytes:
    """Text as Excel saves it in Windows-1258: a letter the code page lacks (ễ, ộ) is its base
    letter (ê, ô) followed by its combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + tone).encode("cp1258")
    return bytes(out)


def workbook(rows: list[list[object]], *, formats: dict[str, str] | None = None, second: bool = True) -> bytes:
    """A workbook as Excel saves one: the rows on its first sheet (cells given number formats by
    coordinate), and another sheet that must be ignored."""
    from openpyxl import Workbook  # only the workbook tests need it

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for at, shown in (formats or {}).items():
        sheet[at].number_format = shown
    if second:
        book.create_sheet("Ghi chú").append(["payment_id", "nothing here is taken"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
