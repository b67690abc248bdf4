"""N ledger records through decide → outbox → route → bulk lane → send, against in-process moto, and
in the same run the bare minimum of the same work: per notice one put of the same outbox item, one
publish of the same text, one update recording the same outcome (as bench/ingest's baseline writes
the same items ingest writes).

The project's path is the real one: Powertools batch processing of ledger stream records, the rules,
the recipients' phones read a batch at a time, the outbox's conditional put; then `route` over the
outbox's stream records (the lane messages, the counters, the sent notices recorded for their
receipts); then, as Lambda's SQS event source does, a receive of ten, the `send` handler (batch state,
claims, the batch's opt-outs in one read, the SNS publish, the outcome) and a delete of ten. Reading
the streams and polling the queue are Lambda's event sources' work, not the functions' (not timed).
Pacing is set out of the way (SMS_PER_SECOND=1e6): at the default 20 a second it alone would decide
the time. Times are this process's CPU time (moto is in-process: that is all the work), which other
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


def _stream_records(images: list[dict], arn: str, start: int) -> dict:
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    return {
        "Records": [
            {
                "eventID": str(start + i),
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "eventSourceARN": arn,
                "awsRegion": "ap-southeast-1",
                "dynamodb": {
                    "Keys": {"pk": ser.serialize(image["pk"])},
                    "NewImage": {k: ser.serialize(v) for k, v in image.items() if v is not None},
                    "SequenceNumber": str(start + i),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }
            for i, image in enumerate(images)
        ]
    }


class OutboxStream:
    """The outbox's stream as Lambda reads it (GetRecords, not timed: the event source's work)."""

    def __init__(self, arn: str) -> None:
        import boto3

        self.arn = arn
        self._client = boto3.client("dynamodbstreams", region_name="ap-southeast-1")
        shards = self._client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self._iterators = [
            self._client.get_shard_iterator(StreamArn=arn, ShardId=s["ShardId"], ShardIteratorType="LATEST")[
                "ShardIterator"
            ]
            for s in shards
        ]

    def batches(self) -> list[dict]:
        from local.pump.lambda_events import stream_event

        out = []
        for n, first in enumerate(self._iterators):
            position = first
            while True:
                answer = self._client.get_records(ShardIterator=position, Limit=BATCH)
                position = answer.get("NextShardIterator") or position
                if not answer.get("Records"):
                    break
                ours = [r for r in answer["Records"] if not r["dynamodb"]["Keys"]["id"]["S"].startswith("bare#")]
                if ours:  # the baseline's items share the table (its stream and indexes cost in both)
                    out.append(stream_event(ours, self.arn))
            self._iterators[n] = position
        return out


class Project:
    """The service's path, a chunk of notices at a time (as Lambda runs the stream and queue
    functions side by side, the queue stays about a chunk deep: moto's SQS walks its whole queue on
    every call, AWS's does not)."""

    def __init__(self, svc, arns: dict[str, str]) -> None:
        import boto3

        from chalicelib.domain.lanes import Lane

        self.svc, self.arns = svc, arns
        self.outbox = OutboxStream(arns["outbox"])
        self.sqs = boto3.client("sqs", region_name="ap-southeast-1")
        self.bulk = svc.lanes.url(Lane.BULK)
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.bulk, AttributeNames=["QueueArn"])["Attributes"]
        self.bulk_arn = attrs["QueueArn"]
        self.spent = {"decide": 0.0, "route": 0.0, "send": 0.0}

    def run(self, first: int, count: int) -> None:
        from chalicelib.handlers import decide, send
        from local.pump.lambda_events import LocalContext, sqs_event

        ledger = [
            {
                "pk": f"payment#P-{i}",
                "kind": "payment",
                "facts": {
                    "payment_id": f"P-{i}",
                    "unit_code": f"U{i % 50:04d}",
                    "paid_on": "2026-11-05",
                    "amount_vnd": i,
                },
                "source": f"incoming/payments/bench.csv#{i + 2}",
            }
            for i in range(first, first + count)
        ]
        started = time.process_time()
        answer = decide.handle(_stream_records(ledger, self.arns["ledger"], first), LocalContext("decide"))
        self.spent["decide"] += time.process_time() - started
        assert answer == {"batchItemFailures": []}, answer
        self._route()  # the inserts: each notice on the bulk lane
        sent = 0
        while sent < count:  # as the SQS event source: receive ten, invoke the function, delete the ten
            messages = self.sqs.receive_message(QueueUrl=self.bulk, MaxNumberOfMessages=10, AttributeNames=["All"])
            batch = messages["Messages"]
            started = time.process_time()
            answer = send.handle(sqs_event(batch, self.bulk_arn), LocalContext("send"))
            self.spent["send"] += time.process_time() - started
            assert answer == {"batchItemFailures": []}, answer
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
            self.sqs.delete_message_batch(QueueUrl=self.bulk, Entries=entries)
            sent += len(batch)
        self._route()  # the claims and the outcomes: counters, and the sent notices recorded for their receipts

    def _route(self) -> None:
        from chalicelib.handlers import route
        from local.pump.lambda_events import LocalContext

        for batch in self.outbox.batches():
            started = time.process_time()
            route.handle(batch, LocalContext("route"))
            self.spent["route"] += time.process_time() - started

    def check(self, n: int) -> None:
        statuses = [item.status for item in self.svc.tables.notifications.scan() if not item.id.startswith("bare#")]
        assert len(statuses) == n and set(statuses) == {"sent"}, statuses


def baseline(first: int, n: int, table: str) -> float:
    import boto3

    ddb = boto3.client("dynamodb", region_name="ap-southeast-1")
    sns = boto3.client("sns", region_name="ap-southeast-1")
    text = "BHXH VN: Don vi U0001 da nop 1.000 dong vao tai khoan thu BHXH ngay 05/11/2026. Cam on don vi."
    started = time.process_time()
    for i in range(first, first + n):  # the same item the outbox holds, the same text, the same outcome
        key = {"id": {"S": f"bare#payment_received#{i:064d}"}}
        item = {
            "template": {"S": "payment_received"},
            "params": {"M": {"unit_code": {"S": "U0001"}, "amount_vnd": {"S": str(i)}, "paid_on": {"S": "2026-11-05"}}},
            "recipient_kind": {"S": "employer"},
            "recipient_ref": {"S": "U0001"},
            "phone": {"S": f"+8491{i % 10_000_000:07d}"},
            "status": {"S": "created"},
            "urgent": {"BOOL": False},
            "created_at": {"S": "2026-11-25T03:00:00Z"},
            "send_after": {"S": "2026-11-25T03:00:00Z"},
            "expires_at": {"N": "1796700000"},
            "source": {"S": f"incoming/payments/bench.csv#{i + 2}"},
            "batch": {"S": "incoming/payments/bench.csv"},
        }
        ddb.put_item(TableName=table, Item={**key, **item})
        answer = sns.publish(PhoneNumber=f"+8491{i % 10_000_000:07d}", Message=text)
        ddb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET #s = :s, provider_id = :p, sent_at = :t, parts = :n, updated_at = :t",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":s": {"S": "sent"},
                ":p": {"S": answer["MessageId"]},
                ":t": {"S": "2026-11-25T03:00:01Z"},
                ":n": {"N": "1"},
            },
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
    from local.stack.resources import create_stack

    with mock_aws():
        stack = create_stack(boto3.session.Session())
        svc = Services(settings=Settings.from_env(), clock=fixed_clock(datetime(2026, 11, 25, 10, 0, tzinfo=ICT)))
        use_services(svc)
        with svc.tables.employers.batch_write() as employers:
            for u in range(50):
                employers.save(svc.tables.employers(unit_code=f"U{u:04d}", name="A", rep_phone=f"+849120{u:05d}"))
        arns = {"ledger": stack.outputs["LedgerStreamArn"], "outbox": stack.outputs["NotificationsStreamArn"]}
        table = svc.settings.name("notifications")  # the same table: its stream and indexes cost in both
        svc.dedupe_hash_key(), svc.otp_key()  # the keys are read once a process (cached): not per notice
        baseline(10**6, 20, table)  # warm the clients up before timing
        ours_path = Project(svc, arns)
        ours_path.run(10**6, 10)
        ours_path.spent = dict.fromkeys(ours_path.spent, 0.0)
        bare = 0.0
        for at in range(0, args.n, BATCH):  # interleaved, so the machine's noise falls on both alike
            count = min(BATCH, args.n - at)
            bare += baseline(at, count, table)
            ours_path.run(at, count)
        ours_path.check(args.n + 10)
        steps = ours_path.spent
        use_services(None)
    ours = sum(steps.values())
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
                **{f"{step}_s": round(seconds, 3) for step, seconds in steps.items()},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
