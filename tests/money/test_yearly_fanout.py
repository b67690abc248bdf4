"""The yearly statement's segments together reach every eligible person exactly once, whatever the
number of segments, and a segment that runs out of time resumes where it stopped."""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.yearly import fanout
from chalicelib.yearly.fanout import Segment, run_segment, start_statement


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Every notice the segments hand to the outbox, counted by dedupe key."""
    seen: Counter = Counter()
    real = fanout.enqueue

    def spy(notice, **kwargs):
        seen[notice.dedupe_key] += 1
        return real(notice, **kwargs)

    monkeypatch.setattr(fanout, "enqueue", spy)
    return seen


def _drain(messages: list[Segment], svc, *, time_left_ms=lambda: 900_000, page_size: int = 100) -> int:
    """Runs every message, and those they send, as the queue's invocations would; returns how many."""
    runs = 0
    while messages:
        seg = messages.pop(0)
        run_segment(
            seg,
            tables=svc.tables,
            clock=svc.clock,
            send=messages.append,
            time_left_ms=time_left_ms,
            page_size=page_size,
        )
        runs += 1
    return runs


def _expected(people) -> Counter:
    return Counter({f"yearly_statement#{ss}#2026": 1 for ss in people.eligible})


@pytest.mark.parametrize("segments", [1, 3, 7])
def test_the_segments_reach_every_eligible_person_exactly_once(svc, clock, people, enqueued, segments) -> None:
    people.crowd(41)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    messages: list[Segment] = []
    start_statement(clock=clock, segments=segments, send=messages.append)
    assert [(m.year, m.segment, m.total) for m in messages] == [(2026, n, segments) for n in range(segments)]

    assert _drain(messages, svc) == segments
    assert enqueued == _expected(people)
    statuses = {n.id: n.status for n in svc.tables.notifications.scan()}
    assert set(statuses) == set(_expected(people)) and set(statuses.values()) == {"created"}


@pytest.mark.parametrize("segments", [1, 3])
def test_a_segment_out_of_time_sends_the_rest_of_itself_and_nobody_is_told_twice(
    svc, clock, people, enqueued, segments
) -> None:
    people.crowd(23)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    messages: list[Segment] = []
    start_statement(clock=clock, segments=segments, send=messages.append)

    runs = _drain(messages, svc, time_left_ms=lambda: 0, page_size=2)  # out of time after each person
    assert runs >= len(people.all)  # one person an invocation, then the rest on the queue
    assert enqueued == _expected(people)


def test_a_segment_run_again_enqueues_nothing_new(svc, clock, people) -> None:
    people.crowd(8)
    clock.set(clock().replace(year=2027, month=1, day=15, hour=8))
    first = run_segment(Segment(2026, 0, 1), tables=svc.tables, clock=clock, send=None, time_left_ms=lambda: 900_000)
    again = run_segment(Segment(2026, 0, 1), tables=svc.tables, clock=clock, send=None, time_left_ms=lambda: 900_000)
    assert (first["seen"], first["queued"]) == (8, len(people.eligible))
    assert (again["seen"], again["queued"]) == (8, 0)
