"""What one notice costs in AWS calls, counted on the real path: decide → outbox → route → lane →
send → SNS → receipt → route (docs/cost.md, section 2, is written from these counts)."""

from __future__ import annotations

from collections import Counter

import pytest
from botocore.client import BaseClient

from chalicelib.domain.status import Status
from local.moto.iam import OPERATOR_KEY
from local.pump.lambda_events import delivery_status_record
from tests.factories import REP_PHONE

N = 40
# What Lambda's event source mappings do for a function, not the function itself (free or per poll).
MAPPINGS = {"GetRecords", "GetShardIterator", "DescribeStream", "ReceiveMessage", "DeleteMessageBatch"}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """Every AWS call a function makes from here on (under its own role), as (service, operation):
    not the test's own reads nor the local stack's plumbing, which use the operator's key."""
    counted: Counter[tuple[str, str]] = Counter()
    original = BaseClient._make_api_call

    def recording(self: BaseClient, operation: str, params: dict) -> dict:
        credentials = getattr(self._request_signer, "_credentials", None)
        if getattr(credentials, "access_key", None) != OPERATOR_KEY:
            counted[(self.meta.service_model.service_name, operation)] += 1
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return counted


def test_a_notice_costs_four_single_item_writes_one_publish_and_shares_of_batch_calls(
    svc, make, pump, clock, notice, delivery_logs, calls
) -> None:
    keys = make.payments(N)
    svc.dedupe_hash_key(), svc.otp_key()  # the keys, read once a process (cached): not per notice
    calls.clear()
    pump.run_until_idle()
    sent = [notice(k) for k in keys]
    delivery_logs([delivery_status_record(n.provider_id, REP_PHONE, clock()) for n in sent])
    pump.run_until_idle()
    assert {notice(k).status for k in keys} == {Status.DELIVERED}

    ours = {call: n for call, n in calls.items() if call[1] not in MAPPINGS and n}
    per_notice = {f"{service}.{operation}": round(n / N, 3) for (service, operation), n in sorted(ours.items())}
    dynamodb = sum(n for (service, _), n in ours.items() if service == "dynamodb") / N
    assert per_notice["sns.Publish"] == 1.0
    assert "sns.CheckIfPhoneNumberIsOptedOut" not in per_notice  # SNS refuses opted-out numbers itself
    # decide: one conditional put (the phones read a batch at a time); send: the claim (an update)
    # and the outcome (the item written whole: a put); the receipt: its one conditional update. The
    # rest are batch calls shared by up to 100 notices (counters are updates shared by a batch, and so
    # is each batch file's count of unsent notices: one update per file a stream batch moved).
    assert per_notice["dynamodb.PutItem"] == 2.0 and per_notice["dynamodb.UpdateItem"] <= 2.35, per_notice
    # was 13 on the send-and-deliver path alone (docs/cost.md); 4.8 before the province shares (one
    # BatchGetItem of recipients a stream batch) and the batches' unsent counts (issue 21)
    assert dynamodb <= 5.0, per_notice
    assert per_notice["sqs.SendMessageBatch"] <= 0.1
    assert not [call for call in per_notice if "Query" in call or "Scan" in call], per_notice
