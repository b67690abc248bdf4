"""The yearly statement touches every person, so no one invocation walks the table: the 15 January
tick sends one message per segment of a DynamoDB parallel scan of `people`, and each message is
handled by its own invocation. A segment that runs short of time sends itself again from where it
stopped (the scan's LastEvaluatedKey). The outbox's dedupe key makes any re-run send nothing twice,
and the sender's pacing spreads the SMS over the day."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.clock import Clock
from chalicelib.domain.yearly import statement_year, yearly_notice
from chalicelib.notify.outbox import enqueue
from chalicelib.observability import correlate
from chalicelib.services import Services
from chalicelib.store.history import month_row, months

logger = Logger(child=True)

MARGIN_MS = 60_000  # time kept back to send the continuation before Lambda stops the invocation
PAGE_SIZE: int | None = None  # None: pages of 1 MB, as DynamoDB returns them; each item can be resumed after


@dataclass(frozen=True)
class Segment:
    """One queue message: a segment of the scan for a year, and where to resume it (None: start)."""

    year: int
    segment: int
    total: int
    start: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, body: str) -> Segment:
        data = json.loads(body)
        return cls(int(data["year"]), int(data["segment"]), int(data["total"]), data.get("start"))


Send = Callable[[Segment], None]


def start_statement(*, clock: Clock, segments: int, send: Send) -> dict[str, int]:
    """The 15 January tick: one message per segment, for the year before."""
    year = statement_year(clock().date())
    for n in range(segments):
        send(Segment(year, n, segments))
    logger.info("yearly statement started", year=year, segments=segments)
    return {"year": year, "segments": segments}


def run_segment(
    svc: Services,
    seg: Segment,
    *,
    send: Send,
    time_left_ms: Callable[[], int],
    margin_ms: int = MARGIN_MS,
    page_size: int | None = PAGE_SIZE,
) -> dict[str, int]:
    """Enqueue the statement of each person of the segment with a phone and a contributed month;
    when time runs short, send the rest of the segment as a new message and stop."""
    people = svc.tables.people.scan(
        segment=seg.segment, total_segments=seg.total, last_evaluated_key=seg.start, page_size=page_size
    )
    seen = queued = continued = 0
    source = f"yearly#{seg.year}#{seg.segment}"
    correlate(source)
    for person in people:
        seen += 1
        if person.phone:
            rows = months(svc.tables, person.ss_code, f"{seg.year}-01", f"{seg.year}-12")
            notice = yearly_notice(person.ss_code, seg.year, (month_row(row) for row in rows))
            if notice is not None and enqueue(svc, notice, source=source) is not None:
                queued += 1
        if time_left_ms() < margin_ms:
            rest = people.last_evaluated_key
            if rest:
                send(replace(seg, start=rest))
                continued = 1
            break
    logger.info("yearly segment run", year=seg.year, segment=seg.segment, seen=seen, queued=queued, continued=continued)
    return {"seen": seen, "queued": queued, "continued": continued}
