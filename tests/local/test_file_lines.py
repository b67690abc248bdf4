"""`make run` says each file once, when its report is written, and nothing for a file still going."""

from __future__ import annotations

from typing import Any

from local.pump.file_lines import FinishedFiles


class OneScan:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items

    def client(self, _name: str) -> OneScan:
        return self

    def get_paginator(self, _op: str) -> OneScan:
        return self

    def paginate(self, **_kwargs: Any) -> list[dict[str, Any]]:
        typed = [{k: {"N" if isinstance(v, int) else "S": v} for k, v in item.items()} for item in self.items]
        return [{"Items": typed}]


def _file(name: str, status: str, **more: Any) -> dict[str, Any]:
    times = {"started_at": "2026-11-25T03:00:00Z", "finished_at": "2026-11-25T03:00:07Z"}
    return {"file": name, "status": status, **times, **more}


def test_a_done_and_a_refused_file_are_each_said_once_and_a_running_one_not_at_all() -> None:
    said: list[str] = []
    scan = OneScan(
        [
            _file("payments/a", "done", rows=5, accepted=4, rejected=1, chunks_total=1),
            _file("people/b", "rejected", reason="not UTF-8"),
            _file("history/c", "running"),
        ]
    )
    lines = FinishedFiles(scan, "files", echo=said.append)
    lines()
    lines()  # the next ingest invocation: nothing new has ended

    assert len(said) == 2
    assert said[0].startswith("[file] payments/a: done, 5 rows, 4 taken, 1 rejected, 1 chunk(s)")
    assert said[1].startswith("[file] people/b: refused (not UTF-8)")
