"""The yearly statement's segments together reach every eligible person exactly once, whatever the
number of segments, and a segment that runs out of time resumes where it stopped."""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.domain.status import Status
from chalicelib.yearly.fanout import Segment, run_segment, start_statement


def _drain(messages: list[Segment], svc, *, time_left_ms=lambda: 900_000, page_size: int = 100) -> Counter:
    """Runs every message, and those they send, as the queue's invocations would: the invocations,
    and the people seen and the statements queued over all of them."""
    totals: Counter = Counter()
    while messages:
        seg = messages.pop(0)
        result = run_segment(svc, seg, send=messages.append, time_left_ms=time_left_ms, page_size=page_size)
        totals.update(runs=1, seen=result["seen"], queued=result["queued"])
    return totals


def _expected(crowd, notice_id) -> set[str]:
    return {notice_id(f"yearly_statement#{ss}#2026") for ss in crowd.eligible}


@pytest.mark.parametrize("segments", [1, 3, 7])
def test_the_segments_reach_every_eligible_person_exactly_once(svc, clock, make, segments, notice_id) -> None:
    people = make.crowd(41)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    messages: list[Segment] = []
    start_statement(clock=clock, segments=segments, send=messages.append)
    assert [(m.year, m.segment, m.total) for m in messages] == [(2026, n, segments) for n in range(segments)]

    totals = _drain(messages, svc)
    assert (totals["runs"], totals["seen"], totals["queued"]) == (segments, 41, len(people.eligible))
    statuses = {n.id: n.status for n in svc.tables.notifications.scan()}
    assert set(statuses) == set(_expected(people, notice_id)) and set(statuses.values()) == {Status.CREATED}


@pytest.mark.parametrize("segments", [1, 3])
def test_a_segment_out_of_time_sends_the_rest_of_itself_and_nobody_is_told_twice(
    svc, clock, make, segments, notice_id
) -> None:
    people = make.crowd(23)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    messages: list[Segment] = []
    start_statement(clock=clock, segments=segments, send=messages.append)

    totals = _drain(messages, svc, time_left_ms=lambda: 0, page_size=2)  # out of time after each person
    assert totals["runs"] >= len(people.everyone)  # one person an invocation, then the rest on the queue
    assert totals["seen"] == len(people.everyone)  # nobody read twice by a resumed segment
    assert totals["queued"] == len(people.eligible)
    assert {n.id for n in svc.tables.notifications.scan()} == _expected(people, notice_id)


def test_a_segment_run_again_enqueues_nothing_new(svc, clock, make) -> None:
    people = make.crowd(8)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    first = run_segment(svc, Segment(2026, 0, 1), send=None, time_left_ms=lambda: 900_000)
    again = run_segment(svc, Segment(2026, 0, 1), send=None, time_left_ms=lambda: 900_000)
    assert (first["seen"], first["queued"]) == (8, len(people.eligible))
    assert (again["seen"], again["queued"]) == (8, 0)


def test_a_segment_resumed_mid_page_by_the_time_its_invocation_has_left_tells_everyone_once(
    svc, clock, make, stack, monkeypatch, notice_id
) -> None:
    """As at the country's size: segments of whole 1 MB pages, each invocation of the `yearly_segment`
    function with Lambda's clock (20 s here, each statement taking one), so each
    segment is cut off part-way through a page and resumed from the last person it handled."""
    import json

    import boto3

    from chalicelib.handlers import yearly_segment as handler
    from chalicelib.yearly import fanout
    from local.pump.lambda_events import LocalContext, sqs_event
    from tests.conftest import REGION

    people = make.crowd(240)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    now = {"t": 0.0}
    real_enqueue = fanout.enqueue

    def slow_enqueue(*args, **kwargs):
        now["t"] += 1.0
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(fanout, "enqueue", slow_enqueue)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="bhxh-local-yearly")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    start_statement(clock=clock, segments=2, send=lambda seg: sqs.send_message(QueueUrl=url, MessageBody=seg.to_json()))

    runs, late, starts = 0, [], []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages"):
        starts.append(json.loads(messages[0]["Body"])["start"])
        context = LocalContext("yearly_segment", 20_000, clock=lambda: now["t"])
        assert handler.handle(sqs_event(messages, arn), context) == {"batchItemFailures": []}
        late.append(context.expired())
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        runs += 1
    assert runs > 3 and not any(late)  # resumed again and again, always before the deadline
    assert sum(s is not None for s in starts) == runs - 2  # every run after a segment's first resumes it
    ids = [n.id for n in svc.tables.notifications.scan()]
    assert len(ids) == len(set(ids)) == len(people.eligible)
    assert set(ids) == _expected(people, notice_id)
