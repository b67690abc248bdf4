"""Fixtures for money paid out: people and their contribution history written as ingest writes
them, a pump built on 15 January, and the sender's waits made instant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import boto3
import pytest

from chalicelib.domain.clock import ICT
from chalicelib.local.pump import EventPump
from chalicelib.local.wiring import build_pump
from chalicelib.notify import retry

PHONE = "+84987654321"


@pytest.fixture(autouse=True)
def fast_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real waits: the pacing rate is high and the backoff's pauses are skipped."""
    monkeypatch.setenv("SMS_PER_SECOND", "100000")
    monkeypatch.setattr(retry, "pause", lambda seconds: None)


class People:
    """Writes people and their months of history, and remembers who should get a statement."""

    def __init__(self, tables) -> None:
        self.tables = tables
        self.eligible: set[str] = set()
        self.all: set[str] = set()

    def add(self, ss: str, *, phone: str | None, months: Iterable[str] = (), status: str = "paid") -> None:
        self.tables.people(ss_code=ss, full_name="Nguyễn Văn An", date_of_birth="1990-01-01", phone=phone).save()
        self.all.add(ss)
        with self.tables.history.batch_write() as batch:
            for period in months:
                batch.save(
                    self.tables.history(
                        ss_code=ss,
                        period_unit=f"{period}#TZH490L",
                        period=period,
                        unit_code="TZH490L",
                        salary_vnd=10_000_000,
                        si_vnd=2_550_000,
                        hi_vnd=450_000,
                        ui_vnd=200_000,
                        status=status,
                    )
                )

    def crowd(self, n: int) -> None:
        """n people of every sort: eligible, without a phone, without 2026, with only owed months."""
        for i in range(n):
            ss = f"40{i:08d}"
            sort = i % 4
            if sort == 0:
                self.add(ss, phone=f"+8498{i:07d}", months=[f"2026-{m:02d}" for m in range(1, 13)])
                self.eligible.add(ss)
            elif sort == 1:
                self.add(ss, phone=None, months=["2026-01", "2026-02"])
            elif sort == 2:
                self.add(ss, phone=f"+8498{i:07d}", months=["2025-11", "2025-12", "2027-01"])
            else:
                self.add(ss, phone=f"+8498{i:07d}", months=["2026-05"], status="owed")


@pytest.fixture
def people(svc) -> People:
    return People(svc.tables)


@pytest.fixture
def january_pump(svc, stack, clock) -> EventPump:
    """The local pump with its clock at 15 January 2027, 07:50 in Hanoi, before the statement."""
    import app as chalice_app

    clock.set(datetime(2027, 1, 15, 7, 50, tzinfo=ICT))
    return build_pump(chalice_app.app, boto3.session.Session(), stack, clock=clock, moto_url=None)
