"""Lambda-shaped events built from what moto returns, fixed where moto differs from AWS."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

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


def delivery_status_record(message_id: str, phone: str, at: datetime, *, ok: bool = True, response: str = "") -> str:
    """SNS's SMS delivery-status log record, as it writes it to CloudWatch Logs (shape from the SNS
    docs' examples: `notification`, `delivery`, `status`); moto has no carrier, so the local stack
    says every SMS it recorded was accepted."""
    record = {
        "notification": {"messageId": message_id, "timestamp": at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.000")},
        "delivery": {
            "destination": phone,
            "smsType": "Transactional",
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


class LocalContext:
    """Enough of a Lambda context for Powertools and Chalice."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = "local"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000
