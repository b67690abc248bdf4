"""A known day for the agency's figures and metrics: two employers (one with no phone on file) and
two payment files (one row of them bad), ingested and told."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import EMPLOYERS_CSV, PAYMENTS_CSV

NO_PHONE_UNIT = "unit_code,name\nAB1234C,Công ty không số\n"
TWO_PAYMENTS = (
    "payment_id,unit_code,paid_on,amount_vnd,period\n"
    "PT-0002,AB1234C,2026-11-05,1000000,2026-10\n"
    "PT-0003,TZH490L,not-a-date,1000000,2026-10\n"
)


@pytest.fixture
def known_day(pump, upload, sent_sms) -> Callable[[], None]:
    """Upload the day's four files and let every flow run: one SMS sent, one recipient unreachable."""

    def run() -> None:
        upload("employers", "units.csv", EMPLOYERS_CSV)
        upload("employers", "more.csv", NO_PHONE_UNIT)
        upload("payments", "a.csv", PAYMENTS_CSV)
        upload("payments", "b.csv", TWO_PAYMENTS)
        pump.run_until_idle()
        assert len(sent_sms()) == 1

    return run
