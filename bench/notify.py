"""N ledger records through decide → outbox → send, against in-process moto, and in the same run
the bare minimum of the same work: one put, one publish, one update per notice.

The project's path is the real one: Powertools batch processing of ledger stream records, the
rules, the outbox's conditional put (after looking up the recipient's phone), then the outbox's
stream records through Powertools batch processing and idempotency, the claim, the two opt-out
checks (the service's list, SNS's), the SNS publish and the final update. Pacing is set out of
the way (SMS_PER_SECOND=1e6): at the default 20 a second it alone would decide the time.
Times are this process's CPU time (moto is in-process: that is all the work), which other
processes on a shared machine do not disturb.

    python bench/notify.py [--n 300]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.env import moto_env

BATCH = 100


def _stream_records(images: list[dict], arn: str, start: int, typed: bool = False) -> dict:
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    if typed:  # already DynamoDB JSON, as a low-level scan returns it

        class _Same:
            def serialize(self, value):
                return value

        ser = _Same()
    return {
        "Records": [
            {
                "eventID": str(start + i),
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "eventSourceARN": arn,
                "awsRegion": "ap-southeast-1",
                "dynamodb": {
                    "Keys": {k: ser.serialize(image[k]) for k in ("pk", "id") if k in image},
                    "NewImage": {k: ser.serialize(v) for k, v in image.items() if v is not None},
                    "SequenceNumber": str(start + i),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }
            for i, image in enumerate(images)
        ]
    }


def project(n: int, svc, arns: dict[str, str]) -> float:
    import boto3

    from chalicelib.handlers import decide, send
    from local.lambda_events import LocalContext

    ledger = [
        {
            "pk": f"payment#P-{i}",
            "kind": "payment",
            "facts": {"payment_id": f"P-{i}", "unit_code": f"U{i % 50:04d}", "paid_on": "2026-11-05", "amount_vnd": i},
        }
        for i in range(n)
    ]
    started = time.process_time()
    for at in range(0, n, BATCH):
        answer = decide.handle(_stream_records(ledger[at : at + BATCH], arns["ledger"], at), LocalContext("decide"))
        assert answer == {"batchItemFailures": []}, answer
    decided = time.process_time()
    ddb = boto3.client("dynamodb", region_name="ap-southeast-1")  # the benchmark's own read, not timed
    outbox = [
        i
        for page in ddb.get_paginator("scan").paginate(TableName=svc.settings.name("notifications"))
        for i in page["Items"]
    ]
    outbox = [i for i in outbox if not i["id"]["S"].startswith("bare#")]
    assert len(outbox) == n
    sending = time.process_time()
    for at in range(0, n, BATCH):
        records = _stream_records(outbox[at : at + BATCH], arns["outbox"], at, typed=True)
        answer = send.handle(records, LocalContext("send"))
        assert answer == {"batchItemFailures": []}, answer
    finished = time.process_time()
    assert all(item.status == "sent" for item in svc.tables.notifications.scan() if not item.id.startswith("bare#"))
    return (decided - started) + (finished - sending)


def baseline(n: int, table: str) -> float:
    import boto3

    ddb = boto3.client("dynamodb", region_name="ap-southeast-1")
    sns = boto3.client("sns", region_name="ap-southeast-1")
    started = time.process_time()
    for i in range(n):
        key = {"id": {"S": f"bare#{i}"}}
        item = {"status": {"S": "created"}, "send_after": {"S": "2026-11-25T03:00:00Z"}, "template": {"S": "t"}}
        ddb.put_item(TableName=table, Item={**key, **item})
        answer = sns.publish(PhoneNumber=f"+8491{i % 10_000_000:07d}", Message=f"BHXH VN: {i}")
        ddb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET #s = :s, provider_id = :p",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "sent"}, ":p": {"S": answer["MessageId"]}},
        )
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    moto_env(SMS_PER_SECOND="1000000")

    import boto3
    from moto import mock_aws

    from chalicelib.aws.settings import Settings
    from chalicelib.domain.clock import ICT, fixed_clock
    from chalicelib.services import Services, use_services
    from local.stack import create_stack

    with mock_aws():
        stack = create_stack(boto3.session.Session())
        svc = Services(settings=Settings.from_env(), clock=fixed_clock(datetime(2026, 11, 25, 10, 0, tzinfo=ICT)))
        use_services(svc)
        with svc.tables.employers.batch_write() as employers:
            for u in range(50):
                employers.save(svc.tables.employers(unit_code=f"U{u:04d}", name="A", rep_phone=f"+849120{u:05d}"))
        arns = {"ledger": stack.outputs["LedgerStreamArn"], "outbox": stack.outputs["NotificationsStreamArn"]}
        table = svc.settings.name("notifications")  # the same table: its stream and indexes cost in both
        baseline(20, table)  # warm the clients up before timing
        bare = baseline(args.n, table)
        ours = project(args.n, svc, arns)
        use_services(None)
    ratio = ours / bare
    print(
        f"{args.n} notices: project {ours:.2f}s ({ours / args.n * 1000:.1f} ms each, CPU), "
        f"bare put+publish+update {bare:.2f}s"
    )
    print(f"ratio {ratio:.2f}")
    print(
        json.dumps(
            {
                "bench": "notify",
                "ratio": round(ratio, 3),
                "n": args.n,
                "project_s": round(ours, 3),
                "bare_s": round(bare, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
