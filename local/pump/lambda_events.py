"""Lambda-shaped events built from what moto returns, fixed where moto differs from AWS."""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from local.env import REGION


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def with_versions(body: str, s3: Any, taken: set[tuple[str, str]]) -> str:
    """An S3 notification as S3 writes it: moto's has no `versionId` nor `sequencer`. Each record
    gets the oldest version of its key with the record's ETag not given to an earlier record, and
    a sequencer that grows with the versions' order (the key's n-th version: n)."""
    try:
        message = json.loads(body)
    except ValueError:
        return body
    records = message.get("Records") if isinstance(message, dict) else None
    if not records or not all(isinstance(r, dict) and "s3" in r for r in records):
        return body
    for record in records:
        found = record["s3"]["object"]
        if found.get("versionId"):
            continue
        bucket, key = record["s3"]["bucket"]["name"], unquote_plus(found["key"])
        answer = s3.list_object_versions(Bucket=bucket, Prefix=key)
        # S3 lists a key's versions newest first
        versions = [v for v in answer.get("Versions", []) if v["Key"] == key][::-1]
        order = {v["VersionId"]: n for n, v in enumerate(versions)}
        same = [v for v in versions if v["ETag"].strip('"') == str(found.get("eTag", "")).strip('"')]
        fresh = [v for v in same if (key, v["VersionId"]) not in taken] or same[-1:]
        if fresh:
            version = fresh[0]["VersionId"]
            taken.add((key, version))
            found["versionId"] = version
            found["sequencer"] = f"{order[version] + 1:016X}"
    return json.dumps(message)


def stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """moto's records lack `eventSourceARN` and carry the creation time as a datetime: fix both."""
    fixed = []
    for record in records:
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        fixed.append({**record, "dynamodb": change, "eventSourceARN": stream_arn, "awsRegion": REGION})
    return {"Records": fixed}


def sns_event(envelope: dict[str, Any], subscription_arn: str) -> dict[str, Any]:
    """An SNS notification (as an SQS subscriber receives it) in the shape SNS invokes Lambda with."""
    keys = ("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature")
    sns = {key: envelope.get(key) for key in keys}
    sns.update(
        SigningCertUrl=envelope.get("SigningCertURL", ""),
        UnsubscribeUrl=envelope.get("UnsubscribeURL", ""),
        MessageAttributes=envelope.get("MessageAttributes", {}),
    )
    return {
        "Records": [
            {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription_arn, "Sns": sns}
        ]
    }


def scheduled_event(rule_arn: str, at: datetime) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"local-{int(at.timestamp())}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


LOCAL_PRICE_USD = 0.0399  # a part, as docs/cost.md assumes: moto bills nothing, the figures need a number
LOCAL_CARRIER = "local (moto)"


def delivery_status_record(
    message_id: str, phone: str, at: datetime, *, ok: bool = True, response: str = "", parts: int = 1
) -> str:
    """SNS's SMS delivery-status log record, as it writes it to CloudWatch Logs (shape from the SNS
    docs' examples: `notification`, `delivery` with carrier, price and parts, `status`); moto has no
    carrier, so the local stack says every SMS it recorded was accepted, at the assumed price."""
    record = {
        "notification": {"messageId": message_id, "timestamp": at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.000")},
        "delivery": {
            "phoneCarrier": LOCAL_CARRIER,
            "mcc": 452,
            "destination": phone,
            "priceInUSD": round(LOCAL_PRICE_USD * parts, 5) if ok else 0.0,
            "smsType": "Transactional",
            "numberOfMessageParts": parts,
            "providerResponse": response or ("Message has been accepted by phone carrier" if ok else "Unknown error"),
            "dwellTimeMs": 0,
        },
        "status": "SUCCESS" if ok else "FAILURE",
    }
    return json.dumps(record)


def cloudwatch_logs_event(log_group: str, messages: list[str], at: datetime) -> dict[str, Any]:
    """What a CloudWatch Logs subscription filter invokes Lambda with: the batch, gzipped and base64'd."""
    millis = int(at.timestamp() * 1000)
    data = {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": log_group,
        "logStream": "local",
        "subscriptionFilters": ["local"],
        "logEvents": [
            {"id": f"{millis}{n:06d}", "timestamp": millis, "message": message} for n, message in enumerate(messages)
        ],
    }
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}


TIMEOUT_ENV = "BHXH_LOCAL_TIMEOUT_S"


@functools.cache
def _configured_timeout_s(function_name: str) -> int:
    """The function's `lambda_timeout` in `.chalice/config.json` for the local stage, as Chalice
    resolves it (the stage's function, the stage, the function, the whole app; Chalice's 60 s)."""
    from local.env import chalice_config

    return int(chalice_config(function_name=function_name).lambda_timeout or 60)


def function_timeout_ms(function_name: str) -> int:
    """Its configured timeout, lowered to `BHXH_LOCAL_TIMEOUT_S` seconds when that is set lower."""
    seconds = _configured_timeout_s(function_name)
    lowered = os.environ.get(TIMEOUT_ENV, "").strip()
    if lowered:
        seconds = min(seconds, max(1, int(lowered)))
    return seconds * 1000


class LocalContext:
    """A Lambda context whose clock runs as Lambda's does: the time left counts down from the
    function's timeout, from the moment the invocation begins. Lambda stops an invocation at its
    deadline; here it runs on, and the pump counts one that returned late as failed (`expired`)."""

    def __init__(
        self, function_name: str, timeout_ms: int | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self.timeout_ms = function_timeout_ms(function_name) if timeout_ms is None else timeout_ms
        self._clock = clock
        self._deadline = clock() + self.timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self._clock()) * 1000))

    def expired(self) -> bool:
        return self._clock() > self._deadline
