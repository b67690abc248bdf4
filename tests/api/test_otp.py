"""Sign-in by OTP: the same answer for every code, the code only to the registered phone, stored
nowhere (rendered when the SMS is sent), valid five minutes, five wrong tries spend it, and the
contract's rate limits."""

from __future__ import annotations

import json
import re

import boto3
import jwt
import pytest

from tests.api.conftest import ANNA, BINH, CHI

UNKNOWN = "0999999999"


def test_an_otp_request_answers_the_same_for_known_unknown_and_phoneless_codes(api, people) -> None:
    answers = [api.post("/v1/otp", {"ss_code": code}) for code in (ANNA, UNKNOWN, CHI)]
    assert [a.status for a in answers] == [202, 202, 202]
    assert {tuple(sorted(a.body)) for a in answers} == {("expires_in", "request_id")}
    assert {a.body["expires_in"] for a in answers} == {300}
    assert len({a.body["request_id"] for a in answers}) == 3


def test_the_code_goes_by_sms_to_the_registered_phone_only(api, people, pump, sent_sms) -> None:
    for code in (ANNA, UNKNOWN, CHI):
        assert api.post("/v1/otp", {"ss_code": code}).status == 202
    pump.run_until_idle()
    sms = [m for m in sent_sms() if "Ma xac thuc" in m.text]  # the fixtures' dossier is told too
    assert [m.phone for m in sms] == ["+84912345678"]
    assert re.search(r"\b\d{6}\b", sms[0].text) and "5 phut" in sms[0].text
    assert len(sms[0].text) <= 160


def test_the_code_from_the_sms_signs_in(api, people, pump, sent_sms) -> None:
    request_id = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    pump.run_until_idle()
    [otp_sms] = [m for m in sent_sms() if "Ma xac thuc" in m.text]
    code = re.search(r"\b(\d{6})\b", otp_sms.text).group(1)
    answer = api.post("/v1/token", {"request_id": request_id, "otp": code})
    assert answer.status == 200
    assert answer.body["token_type"] == "Bearer" and answer.body["expires_in"] == 900
    assert api.get("/v1/me", answer.body["token"]).body["ss_code"] == ANNA


def test_the_same_work_is_done_for_known_unknown_and_phoneless_codes(api, people, dynamo_calls) -> None:
    """The timing test's deterministic half: the very same DynamoDB operations on every path."""
    paths = []
    for code in (ANNA, UNKNOWN, CHI):
        dynamo_calls.clear()
        api.post("/v1/otp", {"ss_code": code})
        paths.append(list(dynamo_calls))
    assert paths[0] == paths[1] == paths[2]
    assert ("PutItem", "bhxh-local-notifications") in paths[0]


def test_no_table_holds_the_code_and_the_sms_renders_it_when_sent(
    api, people, svc, otp_code, pump, sent_sms, stack
) -> None:
    request_id = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    code = otp_code(request_id)
    stored = svc.tables.guard.get(f"otp#{request_id}")
    assert stored.expires_at == int(svc.clock().timestamp()) + 300
    pump.run_until_idle()
    assert [m.phone for m in sent_sms() if code in m.text] == ["+84912345678"]
    ddb = boto3.client("dynamodb")
    for table in ddb.list_tables()["TableNames"]:  # every item of every table, as raw DynamoDB JSON
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            assert code not in json.dumps(page["Items"]), table
    streams = boto3.client("dynamodbstreams")  # nor any stream record (the outbox's images)
    arn = stack.outputs["NotificationsStreamArn"]
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        assert code not in json.dumps(streams.get_records(ShardIterator=it["ShardIterator"])["Records"], default=str)


def test_a_right_code_signs_in_once_only(api, people, otp_code) -> None:
    request_id = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    code = otp_code(request_id)
    assert api.post("/v1/token", {"request_id": request_id, "otp": code}).status == 200
    again = api.post("/v1/token", {"request_id": request_id, "otp": code})
    assert again.status == 401 and again.body["error"]["code"] == "invalid_otp"


def test_five_wrong_tries_spend_the_request(api, people, otp_code) -> None:
    request_id = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    code = otp_code(request_id)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert api.post("/v1/token", {"request_id": request_id, "otp": wrong}).status == 401
    assert api.post("/v1/token", {"request_id": request_id, "otp": code}).status == 401


def test_four_wrong_tries_leave_the_fifth_for_the_right_code(api, people, otp_code) -> None:
    request_id = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    code = otp_code(request_id)
    for _ in range(4):
        api.post("/v1/token", {"request_id": request_id, "otp": f"{(int(code) + 7) % 10**6:06d}"})
    assert api.post("/v1/token", {"request_id": request_id, "otp": code}).status == 200


def test_a_code_expires_after_five_minutes(api, people, otp_code, clock) -> None:
    first = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    second = api.post("/v1/otp", {"ss_code": ANNA}).body["request_id"]
    clock.advance(minutes=4, seconds=59)
    assert api.post("/v1/token", {"request_id": first, "otp": otp_code(first)}).status == 200
    clock.advance(seconds=1)
    assert api.post("/v1/token", {"request_id": second, "otp": otp_code(second)}).status == 401


def test_an_unknown_code_never_signs_in_even_with_the_code_that_was_made(api, people, otp_code) -> None:
    for code in (UNKNOWN, CHI):
        request_id = api.post("/v1/otp", {"ss_code": code}).body["request_id"]
        assert api.post("/v1/token", {"request_id": request_id, "otp": otp_code(request_id)}).status == 401


def test_an_unknown_request_id_is_refused_like_a_wrong_code(api, people) -> None:
    answer = api.post("/v1/token", {"request_id": "nope", "otp": "123456"})
    assert answer.status == 401 and answer.body["error"]["code"] == "invalid_otp"


def test_a_fourth_request_for_one_code_within_15_minutes_is_429_with_retry_after(api, people, clock) -> None:
    clock.set(clock.now.replace(minute=0, second=0))
    statuses = [api.post("/v1/otp", {"ss_code": UNKNOWN}).status for _ in range(3)]
    refused = api.post("/v1/otp", {"ss_code": UNKNOWN})
    assert statuses == [202, 202, 202]
    assert refused.status == 429 and refused.body["error"]["code"] == "too_many_requests"
    assert refused.headers["retry-after"] == "900"
    assert api.post("/v1/otp", {"ss_code": BINH}).status == 202  # another code is not held back
    clock.advance(minutes=15)
    assert api.post("/v1/otp", {"ss_code": UNKNOWN}).status == 202


def test_a_client_gets_at_most_20_requests_an_hour(api, people, clock) -> None:
    clock.set(clock.now.replace(minute=30, second=0))
    codes = [f"05000000{n:02d}" for n in range(21)]
    statuses = [api.post("/v1/otp", {"ss_code": code}).status for code in codes]
    assert statuses[:20] == [202] * 20 and statuses[20] == 429
    clock.advance(minutes=30)
    assert api.post("/v1/otp", {"ss_code": codes[20]}).status == 202


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("/v1/otp", b"not json", "body"),
        ("/v1/otp", b"[1, 2]", "body"),
        ("/v1/otp", b"{}", "ss_code"),
        ("/v1/otp", b'{"ss_code": 110129425}', "ss_code"),
        ("/v1/otp", b'{"ss_code": "011012942"}', "ss_code"),
        ("/v1/token", b'{"otp": "123456"}', "request_id"),
        ("/v1/token", b'{"request_id": "r", "otp": "12345a"}', "otp"),
        ("/v1/token", b'{"request_id": "r", "otp": "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6"}', "otp"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, people, path, raw, field) -> None:
    answer = api.post(path, None, raw=raw)
    assert answer.status == 400
    assert answer.body["error"]["code"] == "bad_input" and answer.body["error"]["message"].startswith(f"{field}:")


def test_the_token_is_signed_with_the_key_from_parameter_store(api, people, sign_in, jwt_key) -> None:
    key = boto3.client("ssm").get_parameter(Name=jwt_key, WithDecryption=True)["Parameter"]["Value"]
    claims = jwt.decode(sign_in(ANNA), key, algorithms=["HS256"], audience="bhxh-lookup", options={"verify_exp": False})
    assert claims["sub"] == ANNA and claims["exp"] - claims["iat"] == 900
    assert jwt_key == "/bhxh/local/jwt-key"
