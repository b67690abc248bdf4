"""The event pump: moto runs no Lambda, so this polls what AWS would push and calls the handlers.

It receives from the queues, reads each stream with GetRecords, fires schedules from the local
clock, and prints each SMS that SNS recorded, with the phone masked. A queue whose event source has
a maximum concurrency (the sending lanes: infra/wiring.yaml) gets that many workers once the pump is
started (local/pump/pollers.py), each one a Lambda instance: so the senders' paces add up to the rate the
account's would (`run_once`, in tests, still polls every queue itself, one batch a pass). moto has no
carrier and writes no delivery-status logs, so for each SMS it recorded the pump plays SNS and CloudWatch Logs:
a SUCCESS record for that message id, handed to `delivery_logs` as a subscription filter would.
As moto says a number ending in 99 opted out, the local carrier refuses numbers ending in 98 (a
FAILURE record, "Phone carrier has blocked this message"): a failed notice to see in the console and
resend.

Every invocation keeps Lambda's clock (local/pump/lambda_events.LocalContext): its context counts down
from the function's timeout, and one that returns after its deadline failed, as a Lambda stopped at
its timeout would have: its queue messages are not deleted, its stream batch is retried.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.clock import Clock
from chalicelib.domain.phones import mask_phone
from chalicelib.domain.text import count_segments
from local.pump.invoke import Handler, invoke
from local.pump.lambda_events import (
    cloudwatch_logs_event,
    delivery_status_record,
    scheduled_event,
    sns_event,
    sqs_event,
    stream_event,
    with_versions,
)
from local.pump.pollers import QueuePoller
from local.pump.schedule import occurrences

STREAM_RETRIES = 3
ASYNC_RETRIES = 2  # Lambda's retries of an asynchronous invocation (EventBridge's schedules)
SMS_EVERY_S = 1.0  # how often the pump reads what SNS recorded (moto builds its whole data.json each time)
RECEIPT_AFTER_S = 2.0  # a carrier's receipt takes seconds; a notice not yet recorded `sent` would park it
BACKLOG_EVERY_S = 10  # how often the console says what waits in the lanes, while anything does
OPTED_OUT = "Phone is currently opted out"  # SNS's providerResponse for a number on its opt-out list
REFUSED_ENDING = "98"  # the local carrier refuses these numbers (moto's own convention: 99 opted out)
CARRIER_REFUSES = "Phone carrier has blocked this message"


@dataclass
class StreamSource:
    arn: str
    handler: Handler
    name: str
    batch_size: int = 100
    iterators: dict[str, str] = field(default_factory=dict)
    client: Any = None  # dynamodbstreams, with the function's credentials (Lambda polls with its role)


@dataclass
class QueueSource:
    url: str
    arn: str
    handler: Handler
    name: str
    client: Any  # sqs, with the function's credentials (Lambda polls with its role)
    batch_size: int = 1
    concurrency: int | None = None  # the event source's MaximumConcurrency: that many workers


@dataclass(frozen=True)
class RecordedSms:
    message_id: str  # what SNS's Publish answered, and the outbox keeps as `provider_id`
    phone: str
    text: str


@dataclass
class DeliveryLogs:
    log_group: str
    handler: Handler
    name: str


@dataclass
class Schedule:
    expression: str  # cron(...) or rate(...), UTC, as EventBridge reads it
    handler: Handler
    name: str


class EventPump:
    def __init__(
        self,
        session: Any,
        *,
        clock: Clock,
        moto_url: str | None,
        echo: Callable[[str], None] = print,
    ) -> None:
        self._session = session
        self._sqs = session.client("sqs")
        self._streams_client = session.client("dynamodbstreams")
        self._clock = clock
        self._moto_url = moto_url
        self._echo = echo
        self.monotonic: Callable[[], float] = time.monotonic  # the invocations' clock (tests move their own)
        self.retry_after_s = 2  # a failed message is visible again after this (SQS's visibility timeout)
        self._s3 = session.client("s3")
        self._versions_taken: set[tuple[str, str]] = set()
        self._queues: list[QueueSource] = []
        self._after: dict[str, Callable[[], None]] = {}
        self._streams: list[StreamSource] = []
        self._schedules: list[Schedule] = []
        self._topics: list[tuple[str, str, Handler, str]] = []  # (queue url, subscription arn, handler, name)
        self._delivery_logs: DeliveryLogs | None = None
        self._last_tick: datetime = clock()
        self._sms_seen: set[str] = set()
        self._sms_read = 0.0
        self._to_deliver: list[tuple[float, RecordedSms]] = []  # seen, and when its receipt comes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pollers: list[QueuePoller] = []
        self.record_sms: Callable[[list[RecordedSms]], None] | None = None  # every SMS seen (bench/faults.py)

    def add_queue(
        self,
        url: str,
        arn: str,
        handler: Handler,
        name: str,
        sqs: Any = None,
        *,
        batch_size: int = 1,
        concurrency: int | None = None,
    ) -> None:
        """An SQS event source; `sqs` polls it (the function's own client), else the pump's. With a
        `concurrency` (MaximumConcurrency), that many workers take it once the pump is started."""
        self._queues.append(QueueSource(url, arn, handler, name, sqs or self._sqs, batch_size, concurrency))

    def queue_sources(self) -> list[QueueSource]:
        return list(self._queues)

    def echo(self, line: str) -> None:
        self._echo(line)

    def after(self, name: str, hook: Callable[[], None]) -> None:
        """`hook` runs after each invocation of function `name` (the console's line per file)."""
        self._after[name] = hook

    def add_stream(self, arn: str, handler: Handler, name: str, batch_size: int = 100, streams: Any = None) -> None:
        """A DynamoDB stream event source; `streams` reads it (the function's own client), else the pump's."""
        self._streams.append(StreamSource(arn, handler, name, batch_size, client=streams or self._streams_client))

    def add_schedule(self, expression: str, handler: Handler, name: str) -> None:
        self._schedules.append(Schedule(expression, handler, name))

    def add_topic(self, topic_arn: str, handler: Handler, name: str) -> None:
        """SNS → Lambda, locally: a queue of the pump's own subscribes to the topic, and each
        message it receives is handed over in Lambda's SNS event shape."""
        sns = self._session.client("sns")
        url = self._sqs.create_queue(QueueName=f"pump-{name}")["QueueUrl"]
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
        self._topics.append((url, subscription, handler, name))

    def add_delivery_logs(self, log_group: str, handler: Handler, name: str) -> None:
        """The function SNS's delivery-status log group is subscribed to (infra/wiring.yaml)."""
        self._delivery_logs = DeliveryLogs(log_group, handler, name)

    def report_delivered(self, sms: list[RecordedSms]) -> bool:
        """Play SNS and CloudWatch Logs: each SMS delivered (or refused, to a number on SNS's opt-out
        list: SNS takes the Publish and delivers nothing), in one subscription batch. Returns whether a
        handler ran (its receipts move the outbox, whose stream then has work)."""
        target = self._delivery_logs
        if target is None or not sms:
            return False
        now = self._clock()
        records = []
        for m in sms:
            if sns_says_opted_out(m.phone):
                records.append(delivery_status_record(m.message_id, m.phone, now, ok=False, response=OPTED_OUT))
            elif m.phone.endswith(REFUSED_ENDING):
                records.append(delivery_status_record(m.message_id, m.phone, now, ok=False, response=CARRIER_REFUSES))
            else:
                parts = max(count_segments(m.text).count, 1)
                records.append(delivery_status_record(m.message_id, m.phone, now, parts=parts))
        try:
            invoke(target.handler, cloudwatch_logs_event(target.log_group, records, now), target.name, self.monotonic)
        except Exception as exc:  # as Lambda would after its retries: said, and not tried again here
            self._echo(f"[pump] {target.name} failed: {type(exc).__name__}: {exc}")
        return True

    # one pass over every source; returns whether anything happened
    def run_once(self) -> bool:
        busy = False
        for queue in self._queues:
            if queue.concurrency and self._pollers:
                continue  # its poller and workers take it
            busy |= self._pump_queue(queue)
        for source in self._streams:
            busy |= self._pump_stream(source)
        for url, subscription, handler, name in self._topics:
            busy |= self._pump_topic(url, subscription, handler, name)
        busy |= self._fire_schedules()
        busy |= self._echo_sms()
        return busy

    def run_until_idle(self, max_passes: int = 200) -> None:
        """Pump until a pass finds nothing to do: what tests and `make clock` wait on."""
        for _ in range(max_passes):
            if not self.run_once():
                return

    def start(self) -> None:
        for queue in self._queues:
            if queue.concurrency:
                poller = QueuePoller(
                    queue.client,
                    redrive=self._sqs,
                    url=queue.url,
                    arn=queue.arn,
                    handler=queue.handler,
                    name=queue.name,
                    batch_size=queue.batch_size,
                    concurrency=queue.concurrency,
                    stop=self._stop,
                    echo=self._echo,
                    prepare=self._prepare,
                    after=self._after.get(queue.name),
                )
                self._pollers.append(poller)
                poller.start()
        self._thread = threading.Thread(target=self._loop, name="event-pump", daemon=True)
        self._thread.start()

    def backlog(self) -> dict[str, int]:
        """What waits for each queue's workers (the lanes' backlogs), by queue URL."""
        return {poller.url: poller.backlog() for poller in self._pollers}

    def stop(self) -> None:
        self._stop.set()
        for thread in [self._thread, *(t for p in self._pollers for t in p.threads)]:
            if thread:
                thread.join(timeout=10)

    def _loop(self) -> None:
        said = 0.0
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # the pump keeps going, as Lambda's pollers do
                self._echo(f"[pump] error: {type(exc).__name__}: {exc}")
                busy = False
            if time.monotonic() - said >= BACKLOG_EVERY_S:
                said = time.monotonic()
                waiting = {url.rsplit("/", 1)[-1]: n for url, n in self.backlog().items()}
                if any(waiting.values()):
                    self._echo("[lanes] waiting: " + ", ".join(f"{name} {n}" for name, n in sorted(waiting.items())))
            if not busy:
                self._stop.wait(0.3)

    def _pump_queue(self, queue: QueueSource) -> bool:
        sqs, url, name = queue.client, queue.url, queue.name
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=queue.batch_size, WaitTimeSeconds=0, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return False
        for m in messages:
            self._prepare(m)
        try:
            answer = invoke(queue.handler, sqs_event(messages, queue.arn), name, self.monotonic) or {}
            failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        except Exception as exc:
            self._echo(f"[pump] {name} failed: {type(exc).__name__}: {exc}")
            failed = {m["MessageId"] for m in messages}
        if name in self._after:
            self._after[name]()
        for m in messages:  # back on the queue soon; the redrive policy bounds the retries
            if m["MessageId"] in failed:
                sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=self.retry_after_s
                )
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:  # as Lambda's poller: the batch's successes deleted in one call
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        return True

    def _prepare(self, message: dict[str, Any]) -> None:
        """moto's S3 notifications name no object version: S3's do."""
        message["Body"] = with_versions(message["Body"], self._s3, self._versions_taken)

    def _pump_topic(self, url: str, subscription: str, handler: Handler, name: str) -> bool:
        messages = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        for m in messages:  # SNS invokes Lambda once a message, and retries on error: so does the pump
            try:
                invoke(handler, sns_event(json.loads(m["Body"]), subscription), name, self.monotonic)
            except Exception as exc:
                self._echo(f"[pump] {name} failed: {type(exc).__name__}: {exc}")
                self._sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=self.retry_after_s
                )
                continue
            self._sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return bool(messages)

    def _pump_stream(self, source: StreamSource) -> bool:
        if not source.iterators:
            shards = source.client.describe_stream(StreamArn=source.arn)["StreamDescription"]["Shards"]
            for shard in shards:
                source.iterators[shard["ShardId"]] = source.client.get_shard_iterator(
                    StreamArn=source.arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
        busy = False
        for shard_id, iterator in list(source.iterators.items()):
            answer = source.client.get_records(ShardIterator=iterator, Limit=source.batch_size)
            records = answer.get("Records", [])
            source.iterators[shard_id] = answer.get("NextShardIterator") or iterator
            if records:
                busy = True
                self._deliver(source, records, shard_id)
        return busy

    def _deliver(self, source: StreamSource, records: list[dict[str, Any]], shard_id: str = "") -> None:
        """Like Lambda: a partial failure retries from the first failed record, then gives up on it."""
        pending = records
        for _attempt in range(STREAM_RETRIES + 1):
            try:
                answer = invoke(source.handler, stream_event(pending, source.arn), source.name, self.monotonic) or {}
                failed = [f["itemIdentifier"] for f in answer.get("batchItemFailures", [])]
            except Exception as exc:
                self._echo(f"[pump] {source.name} failed: {type(exc).__name__}: {exc}")
                failed = [pending[0]["dynamodb"]["SequenceNumber"]]
            if not failed:
                return
            first = min(failed, key=int)
            pending = [r for r in pending if int(r["dynamodb"]["SequenceNumber"]) >= int(first)]
        self._echo(f"[pump] {source.name}: {len(pending)} record(s) failed after {STREAM_RETRIES} retries")
        self._stream_failed(source, pending, shard_id)

    def _stream_failed(self, source: StreamSource, pending: list[dict[str, Any]], shard_id: str) -> None:
        """Lambda's on-failure record of a stream batch, on the stack's stream-failure queue
        (infra/wiring.yaml's destination): a dead letter to count, alarm on and replay."""
        table = source.arn.split(":table/", 1)[-1].split("/", 1)[0]
        try:
            url = self._sqs.get_queue_url(QueueName=f"{table.rsplit('-', 1)[0]}-stream-failures")["QueueUrl"]
        except Exception as exc:  # a stack without one (an older template): said only
            self._echo(f"[pump] no stream-failure queue for {source.name}: {type(exc).__name__}")
            return
        info = {
            "shardId": shard_id,
            "startSequenceNumber": pending[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": pending[-1]["dynamodb"]["SequenceNumber"],
            "batchSize": len(pending),
            "streamArn": source.arn,
        }
        context = {"functionArn": source.name, "condition": "RetryAttemptsExhausted"}
        body = {"version": "1.0", "requestContext": context, "DDBStreamBatchInfo": info}
        self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))

    def _fire_schedules(self) -> bool:
        now = self._clock()
        fired = False
        due = sorted(  # two schedules at one minute go in the app's order (15-minute job, then reminders)
            (at, order, schedule)
            for order, schedule in enumerate(self._schedules)
            for at in occurrences(schedule.expression, self._last_tick, now)
        )
        self._last_tick = now
        last = {schedule.name: at for at, _order, schedule in due}
        for at, _order, schedule in due:
            if schedule.expression.startswith("rate(") and at != last[schedule.name]:
                # a jump of days passes hundreds of 15-minute ticks: the job's last run does what they
                # would have (it works on the time now), and firing each took minutes a day jumped, so
                # a reminder due on a day passed waited behind them (issue 24)
                continue
            self._echo(f"[clock] {schedule.name} at {at.isoformat()}")
            event = scheduled_event(f"arn:aws:events:local:rule/{schedule.name}", at)
            for attempt in range(ASYNC_RETRIES + 1):  # Lambda retries an asynchronous invocation twice
                try:
                    invoke(schedule.handler, event, schedule.name, self.monotonic)
                    break
                except Exception as exc:  # said and retried; the next tick still fires
                    self._echo(f"[pump] {schedule.name} failed (attempt {attempt + 1}): {type(exc).__name__}: {exc}")
            fired = True
        return fired

    def _echo_sms(self) -> bool:
        if self._moto_url is None:  # in-process moto (tests): they read the recorded SMS themselves
            return False
        if time.monotonic() - self._sms_read < SMS_EVERY_S:
            return False
        self._sms_read = time.monotonic()
        messages = recorded_sms(self._moto_url)  # the latest ones (local/moto/patches.py keeps 1,000)
        new = [sms for sms in messages if sms.message_id not in self._sms_seen]
        # every id ever seen: a read of moto's list while it drops its oldest may skip one, which the
        # next read then showed again as new (its SMS printed, recorded and "delivered" twice)
        self._sms_seen.update(sms.message_id for sms in new)
        for sms in new:
            self._echo(f"[sms] to {mask_phone(sms.phone)}: {sms.text}")
        if new and self.record_sms is not None:
            self.record_sms(new)
        now = time.monotonic()
        self._to_deliver += [(now + RECEIPT_AFTER_S, sms) for sms in new]
        due = [sms for at, sms in self._to_deliver if at <= now]
        self._to_deliver = [(at, sms) for at, sms in self._to_deliver if at > now]
        return self.report_delivered(due)  # printing is not work; the receipts are


def sns_says_opted_out(phone: str) -> bool:
    """What moto's CheckIfPhoneNumberIsOptedOut answers (true for numbers ending in 99), without asking
    it for each SMS: that was one call in ten the local stack made while sending."""
    return phone.endswith("99")


def recorded_sms(moto_url: str) -> list[RecordedSms]:
    """Every SMS SNS has recorded, oldest first, with the message id its Publish answered."""
    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=5) as response:
        data = json.load(response)
    return [
        RecordedSms(str(m["message_id"]), str(m["phone_number"]), str(m["message"]))
        for m in data.get("sns", {}).get("SMS", [])
    ]
