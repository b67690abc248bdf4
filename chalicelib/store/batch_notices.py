"""One batch file's notices, a page at a time, for the console's recipient list.

The outbox's sparse index `by_batch` (`batch`, `id`, with `status` projected) holds one small entry
per notice of a file: one Query of that key reads the file's entries only, never the table. One pass
over them counts the notices by status, the total matching a status, and picks the ids of the page
asked for (in index order: by id, i.e. by template, then a stable keyed hash); only that page's items
are then read whole (one BatchGetItem of at most 100). At 100,000 notices the pass reads ~15 MB of
index entries (about 1,900 read units, 15 Query pages of 1 MB) and holds only the counts and one
page of ids; what it costs follows the file, not the outbox.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from chalicelib.store.models import NotificationModel, Tables


@dataclass
class BatchPage:
    ids: list[str] = field(default_factory=list)  # the page's notice ids, in index order
    total: int = 0  # notices matching the status asked for (all when none)
    counts: dict[str, int] = field(default_factory=dict)  # every notice of the batch, by status


def batch_page(tables: Tables, file_key: str, *, status: str | None, start: int, size: int) -> BatchPage:
    """The ids at positions [start, start + size) of the batch's notices with `status` (any when
    None), the number of those, and the batch's counts by status: one pass over `by_batch`."""
    counts: Counter[str] = Counter()
    page = BatchPage()
    entry: NotificationModel
    for entry in tables.notifications.by_batch.query(file_key):
        shown = str(entry.status)
        counts[shown] += 1
        if status is not None and shown != status:
            continue
        if start <= page.total < start + size:
            page.ids.append(entry.id)
        page.total += 1
    page.counts = dict(counts)
    return page


def batch_items(tables: Tables, ids: list[str]) -> list[NotificationModel]:
    """The page's notices whole, in the order of `ids` (gone ones left out)."""
    if not ids:
        return []
    found = {item.id: item for item in tables.notifications.batch_get(sorted(set(ids)))}
    return [found[i] for i in ids if i in found]
