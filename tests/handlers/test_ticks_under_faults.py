"""The daily reminders' and the yearly statement's ticks when Powertools' in-progress record is in the
way: its put whose answer was lost (a read timeout after DynamoDB wrote it), which botocore's retry
then finds, must not cost the day its reminders (issue 24, found by bench/faults.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ReadTimeoutError

from chalicelib.domain.clock import ICT
from local.moto.faults import FaultRates, Faults
from tests.factories import PERSON_PHONE, SS


class LosesTheIdempotencyRecordsAnswer(Faults):
    """The first PutItem on the idempotency table takes effect and its answer is lost."""

    lost = 0

    def _before_send(self, request: Any, event_name: str, protocol: str, **_: Any) -> None:
        if event_name.endswith(".PutItem") and b"idempotency" in (request.body or b"") and not self.lost:
            self.lost += 1
            self._send(request, event_name)
            raise ReadTimeoutError(endpoint_url=request.url, error="Read timed out (test)")


def test_a_reminder_run_whose_in_progress_records_answer_was_lost_still_tells_its_day(
    pump, make, functions, sent_sms, clock, monkeypatch
) -> None:
    make.person()
    plan = {"ss_code": SS, "months_per_payment": 3, "paid_to": "2026-12", "income_vnd": 5000000}
    make.ledger(f"voluntary#{SS}", plan, due_on="2026-12-01")
    faults = LosesTheIdempotencyRecordsAnswer(FaultRates(calls=1.0))
    monkeypatch.setattr("local.stack.functions.active", lambda: faults)
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)  # botocore's backoff, not slept
    faults.install()
    try:
        clock.set(datetime(2026, 12, 1, 8, 1, tzinfo=ICT))
        assert functions.tick("remind", datetime(2026, 12, 1, 8, 0, tzinfo=ICT)) == {"due": 1, "queued": 1}
    finally:
        faults.uninstall()
    assert faults.lost == 1
    monkeypatch.setattr("local.stack.functions.active", lambda: None)
    pump.run_until_idle()
    [sms] = sent_sms()
    assert sms.phone == PERSON_PHONE and "12/2026" in sms.text
