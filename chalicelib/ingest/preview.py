"""The preview of a staged file (`staged/<kind>/<name>.csv`, a console upload with mode `check`).

A staged file goes through the one chunked ingest (ingest/engine.py) like any upload: the same
plan, reader, caps, row reasons and province check, any size, a chunk an invocation. Only its write
step differs: the valid records go to a `PreviewSink` instead of the writer. It decides each fact's
notices against what is stored (`rules.decide`, the same as the stream), finds their recipients
(`outbox.expand`, `outbox.resolve_phone`), renders them (`templates.render`) and counts SMS parts;
each piece keeps what it counted beside its errors CSV (`<start>.preview.json`), and the finish
adds the pieces up in the file's order into the file's preview (`summary`). Nothing is written to
the tables but the file's item, and nothing is sent until an uploader releases it.

A fact twice in one piece is counted once; twice in two pieces of a file (one fact repeated far
apart in a file of several chunks), it is counted in each.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.notices import Notice, Recipient
from chalicelib.domain.phones import mask_phone
from chalicelib.domain.province import REASONS
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.rules import decide
from chalicelib.domain.templates import render
from chalicelib.domain.text import count_segments
from chalicelib.ingest.kinds import Record
from chalicelib.ingest.objects import ABSENT, preview_key
from chalicelib.notify.outbox import expand, resolve_phone
from chalicelib.notify.retention import notice_id
from chalicelib.services import Services
from chalicelib.store.files import Upload
from chalicelib.store.models import Tables, exists, ledger_image

logger = Logger(child=True)

SAMPLES = 5
BATCH = 100  # ledger keys read at once (BatchGetItem's limit)


@dataclass
class TemplateCount:
    notices: int = 0  # would be sent
    parts: int = 0
    unreachable: int = 0  # no registered phone: recorded, not sent
    already_sent: int = 0  # the same fact was told before: not sent again

    def as_dict(self) -> dict[str, int]:
        return {
            "notices": self.notices,
            "parts": self.parts,
            "unreachable": self.unreachable,
            "already_sent": self.already_sent,
        }


@dataclass
class Preview:
    by_template: dict[str, TemplateCount] = field(default_factory=lambda: defaultdict(TemplateCount))
    samples: list[dict[str, Any]] = field(default_factory=list)
    already_recorded: int = 0  # facts of the file already on record (the same payment id, …): told before, if ever

    def to_json(self) -> dict[str, Any]:
        counts = {name: c.as_dict() for name, c in self.by_template.items()}
        return {"by_template": counts, "samples": self.samples, "already_recorded": self.already_recorded}

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Preview:
        preview = cls(samples=list(body.get("samples") or []), already_recorded=int(body.get("already_recorded") or 0))
        for name, counts in (body.get("by_template") or {}).items():
            preview.by_template[name] = TemplateCount(**{k: int(v) for k, v in counts.items()})
        return preview

    def add(self, other: Preview) -> None:
        """Another piece's counts added; its samples after this one's, up to SAMPLES."""
        for name, counts in other.by_template.items():
            mine = self.by_template[name]
            mine.notices += counts.notices
            mine.parts += counts.parts
            mine.unreachable += counts.unreachable
            mine.already_sent += counts.already_sent
        self.samples += other.samples[: max(0, SAMPLES - len(self.samples))]
        self.already_recorded += other.already_recorded

    def summary(self, price_usd_per_part: float, warnings: list[str]) -> dict[str, Any]:
        counts = self.by_template.values()
        parts = sum(c.parts for c in counts)
        return {
            "notices": sum(c.notices for c in counts),
            "parts": parts,
            "cost_usd": round(parts * price_usd_per_part, 2),
            "price_usd_per_part": price_usd_per_part,
            "unreachable": sum(c.unreachable for c in counts),
            "already_sent": sum(c.already_sent for c in counts),
            "already_recorded": self.already_recorded,
            "by_template": {name: c.as_dict() for name, c in sorted(self.by_template.items())},
            "samples": self.samples,
            "warnings": warnings,
        }


class PreviewSink:
    """What the stream would do with each record, counted instead of done. Reads only."""

    def __init__(self, tables: Tables, *, dedupe_key: bytes, unicode: bool, preview: Preview) -> None:
        self._tables = tables
        self._dedupe_key = dedupe_key
        self._unicode = unicode
        self._preview = preview
        self._buffer: dict[str, Record] = {}
        self._seen: set[bytes] = set()  # digests of the notices counted: a fact twice in a file is told once
        self._phones: dict[Recipient, str | None] = {}

    def put(self, record: Record) -> None:
        if record.table != "ledger":  # people, employers and history tell nobody by arriving
            return
        self._buffer[record.key] = record  # the later row of a key wins, as in ingest
        if len(self._buffer) >= BATCH:
            self._flush()

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        stored = {item.pk: item for item in self._tables.ledger.batch_get(list(self._buffer))}
        for pk, record in self._buffer.items():
            old = stored.get(pk)
            self._preview.already_recorded += old is not None
            old_image = old.image() if old is not None else None
            new_image = ledger_image(record.item)  # the record as the stream would carry it
            for notice in decide(old_image, new_image):
                for one in expand(notice, self._tables):
                    self._count(one)
        self._buffer.clear()

    def _count(self, notice: Notice) -> None:
        digest = hashlib.blake2b(notice.dedupe_key.encode(), digest_size=12).digest()
        if digest in self._seen:
            return
        self._seen.add(digest)
        count = self._preview.by_template[notice.template]
        if exists(self._tables.notifications, notice_id(notice.dedupe_key, self._dedupe_key)):  # told before
            count.already_sent += 1
            return
        if notice.recipient not in self._phones:
            self._phones[notice.recipient] = resolve_phone(notice.recipient, self._tables)
        phone = self._phones[notice.recipient]
        if phone is None:
            count.unreachable += 1
            return
        text = render(notice.template, dict(notice.params), unicode=self._unicode)
        parts = count_segments(text, ucs2=self._unicode).count
        count.notices += 1
        count.parts += parts
        if len(self._preview.samples) < SAMPLES:
            self._preview.samples.append(
                {"template": notice.template, "phone": mask_phone(phone), "text": text, "parts": parts}
            )


def sink(svc: Services, preview: Preview) -> PreviewSink:
    """Where a staged piece's valid records go."""
    return PreviewSink(svc.tables, dedupe_key=svc.dedupe_hash_key(), unicode=svc.settings.unicode_sms, preview=preview)


def save_piece(s3: Any, bucket: str, upload: Upload, start: int, preview: Preview, refused: Mapping[str, int]) -> None:
    """What one piece counted, kept until the finish adds the pieces up (before the piece is counted)."""
    s3.put_object(
        Bucket=bucket,
        Key=preview_key(upload, start),
        Body=json.dumps({**preview.to_json(), "refused": dict(refused)}, ensure_ascii=False).encode("utf-8"),
        ContentType="application/json",
    )


def summary(svc: Services, bucket: str, upload: Upload, starts: list[int]) -> dict[str, Any]:
    """The file's preview, from its pieces' (`starts`, in the file's order), with its warnings: the
    same facts told before, the same file or name taken before, the province check's refusals, and
    the night (notices released now would wait until 07:00)."""
    s3 = svc.clients.s3
    total, refused = Preview(), Counter[str]()
    for start in starts:
        body = json.loads(s3.get_object(Bucket=bucket, Key=preview_key(upload, start))["Body"].read())
        total.add(Preview.from_json(body))
        refused.update({str(k): int(v) for k, v in (body.get("refused") or {}).items()})
    out = total.summary(svc.settings.sms_price_usd, same_file_warnings(s3, bucket, upload.file))
    if out["already_sent"] or out["already_recorded"]:
        out["warnings"].append("same_facts")
    counts, warnings = province_warnings(refused, out["notices"], release_time(svc.clock()))
    out["refused"] = counts
    out["warnings"].extend(warnings)
    return out


def province_warnings(
    refused: Mapping[str, int], notices: int, held_until: datetime | None
) -> tuple[dict[str, int], list[str]]:
    """The rows the province check refused, by reason (`other_province`, `unknown_unit`,
    `unknown_person`: each a warning when any), and `night` when the notices, were the file released
    now, would wait until 07:00 (`held_until`)."""
    counts = {reason: int(refused.get(reason, 0)) for reason in REASONS}
    warnings = [reason for reason in REASONS if counts[reason]]
    if notices and held_until is not None:
        warnings.append("night")
    return counts, warnings


def same_file_warnings(s3: Any, bucket: str, staged_key: str) -> list[str]:
    """`same_file`: a file with the same content was already taken under this name; `same_name`: a
    different file was. (Facts already told under any name are counted as `already_sent`.)"""
    taken = "incoming/" + staged_key.removeprefix("staged/")
    try:
        before = s3.head_object(Bucket=bucket, Key=taken)
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ABSENT:
            return []
        raise
    now = s3.head_object(Bucket=bucket, Key=staged_key)
    return ["same_file"] if before.get("ETag") == now.get("ETag") else ["same_name"]
