"""The fault mode's hook (local/moto/faults.py): AWS's own errors, answers lost after the write, killed
invocations, only inside an invocation, and the same faults for the same seed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from moto import mock_aws

from local.moto.faults import FAULTS, FaultRates, Faults, InvocationKilled, Killed
from tests.conftest import REGION

ONCE = Config(retries={"total_max_attempts": 1, "mode": "standard"})  # each fault seen, no backoff slept


@pytest.fixture
def aws(aws_env: None) -> Iterator[None]:
    with mock_aws():
        yield


def _table(faults: Faults) -> Any:
    ddb = boto3.client("dynamodb", region_name=REGION, config=ONCE)
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return faults.attach(ddb)


def _outcome(call: Any) -> str:
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"]
    except ReadTimeoutError:
        return "ReadTimeout"
    return "ok"


def test_the_rates_are_read_from_the_environment_and_off_by_default() -> None:
    assert FaultRates.from_env({}) is None
    assert FaultRates.from_env({"BHXH_FAULTS": "0"}) is None
    assert FaultRates.from_env({"BHXH_FAULTS": "0.05,0.01", "BHXH_FAULTS_SEED": "7"}) == FaultRates(0.05, 0.01, 7)
    assert FaultRates.from_env({"BHXH_FAULTS": "0.05"}) == FaultRates(0.05, 0.0, None)
    with pytest.raises(ValueError, match="BHXH_FAULTS"):
        FaultRates.from_env({"BHXH_FAULTS": "5%"})


def test_calls_outside_an_invocation_never_fail(aws: None) -> None:
    ddb = _table(Faults(FaultRates(calls=1.0, kills=1.0, seed=1)))
    for n in range(20):
        ddb.put_item(TableName="t", Item={"pk": {"S": str(n)}})
    assert ddb.scan(TableName="t")["Count"] == 20


def test_a_failed_call_gets_dynamodbs_own_errors_and_wrote_nothing_unless_its_answer_was_lost(aws: None) -> None:
    faults = Faults(FaultRates(calls=1.0, seed=3))
    ddb = _table(faults)
    seen: dict[str, int] = {}
    with faults.invocation("decide"):
        for n in range(60):
            outcome = _outcome(lambda n=n: ddb.put_item(TableName="t", Item={"pk": {"S": str(n)}}))
            written = "Item" in boto3.client("dynamodb", region_name=REGION).get_item(
                TableName="t", Key={"pk": {"S": str(n)}}
            )
            assert written == (outcome == "ReadTimeout"), outcome  # a lost answer after the write took effect
            seen[outcome] = seen.get(outcome, 0) + 1
    assert set(seen) == {code for _status, code in FAULTS["dynamodb"]} | {"ReadTimeout"}
    assert sum(faults.counts.values()) == 60


def test_sns_s3_and_sqs_answer_their_own_throttling_and_server_errors(aws: None) -> None:
    faults = Faults(FaultRates(calls=1.0, seed=5))
    sns = faults.attach(boto3.client("sns", region_name=REGION, config=ONCE))
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="bucket-b", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3 = faults.attach(boto3.client("s3", region_name=REGION, config=ONCE))
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs = faults.attach(boto3.client("sqs", region_name=REGION, config=ONCE))
    with faults.invocation("send"):
        published = {_outcome(lambda: sns.publish(PhoneNumber="+84912345678", Message="x")) for _ in range(30)}
        put = {_outcome(lambda: s3.put_object(Bucket="bucket-b", Key="k", Body=b"x")) for _ in range(30)}
        queued = {_outcome(lambda: sqs.send_message(QueueUrl=url, MessageBody="x")) for _ in range(30)}
    assert published == {"Throttling", "InternalError", "ServiceUnavailable", "ReadTimeout"}
    assert put == {"SlowDown", "InternalError", "ServiceUnavailable", "ReadTimeout"}
    assert queued == {"RequestThrottled", "InternalError", "ServiceUnavailable", "ReadTimeout"}


def test_botocores_retries_see_a_throttle_as_from_aws_and_take_the_call_again(aws: None, monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", waits.append)  # its backoff recorded, not slept
    faults = Faults(FaultRates(calls=0.5, seed=11))
    ddb = _table(faults)
    no_wait = Config(retries={"total_max_attempts": 30, "mode": "legacy"})  # legacy mode: no client-side rate limiter
    ddb = faults.attach(boto3.client("dynamodb", region_name=REGION, config=no_wait))
    with faults.invocation("decide"):
        answer = ddb.put_item(TableName="t", Item={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    assert answer["ResponseMetadata"]["RetryAttempts"] == sum(faults.counts.values()) == len(waits) > 0


def test_the_same_seed_fails_the_same_calls_the_same_way(aws: None) -> None:
    def run(seed: int) -> list[str]:
        faults = Faults(FaultRates(calls=0.3, seed=seed))
        ddb = faults.attach(boto3.client("dynamodb", region_name=REGION, config=ONCE))
        with faults.invocation("decide"):
            return [_outcome(ddb.describe_limits) for _ in range(80)]

    _table(Faults(FaultRates()))
    first = run(42)
    assert first == run(42)
    assert first != run(43)
    assert 10 <= sum(o != "ok" for o in first) <= 40


def test_a_killed_invocation_makes_no_further_call_and_the_pump_sees_it_fail(aws: None) -> None:
    faults = Faults(FaultRates(kills=1.0, seed=2))
    ddb = _table(faults)
    with pytest.raises(Killed), faults.invocation("decide"):
        for n in range(100):  # it dies after at most LATEST_KILL_CALL calls
            try:
                ddb.put_item(TableName="t", Item={"pk": {"S": str(n)}})
            except Exception:  # the app's `except Exception` does not keep it alive
                pytest.fail("a kill is not an exception the app may catch")
    written = boto3.client("dynamodb", region_name=REGION).scan(TableName="t")["Count"]
    assert written < 100
    with pytest.raises(InvocationKilled):  # and once dead, it stays dead
        raise InvocationKilled("decide")


def test_an_invocation_that_makes_fewer_calls_than_drawn_dies_at_its_end_its_work_done(aws: None) -> None:
    faults = Faults(FaultRates(kills=1.0, seed=2))
    ddb = _table(faults)
    with pytest.raises(Killed), faults.invocation("decide"):
        pass
    assert faults.counts["killed at the end"] == 1
    assert ddb.scan(TableName="t")["Count"] == 0
