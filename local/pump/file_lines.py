"""The console's line per batch file: what `make run` prints when a file's report is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.status import FileStatus


class FinishedFiles:
    """Looks at the files table after each ingest invocation and says each file that has ended
    since: its status, rows taken and rejected, chunks and time from upload to report."""

    def __init__(self, session: Any, table: str, echo: Callable[[str], None] = print) -> None:
        self._client = session.client("dynamodb")
        self._table = table
        self._echo = echo
        self._said: dict[str, str] = {}

    def __call__(self) -> None:
        pages = self._client.get_paginator("scan").paginate(TableName=self._table)
        for page in pages:
            for item in page.get("Items", []):
                self._maybe_say({k: next(iter(v.values())) for k, v in item.items()})

    def _maybe_say(self, item: dict[str, Any]) -> None:
        status, ended = item.get("status"), item.get("finished_at")
        if status not in (FileStatus.DONE, FileStatus.REJECTED) or not ended or self._said.get(item["file"]) == ended:
            return
        self._said[item["file"]] = ended
        took = _seconds(item.get("started_at"), ended)
        if status == FileStatus.REJECTED:
            self._echo(f"[file] {item['file']}: refused ({item.get('reason', '')}) in {took}")
            return
        self._echo(
            f"[file] {item['file']}: done, {int(item.get('rows', 0))} rows, {int(item.get('accepted', 0))} taken, "
            f"{int(item.get('rejected', 0))} rejected, {int(item.get('chunks_total', 0))} chunk(s), in {took}"
        )


def _seconds(start: str | None, end: str) -> str:
    if not start:
        return "?"
    span = datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))
    minutes, seconds = divmod(int(span.total_seconds()), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"
