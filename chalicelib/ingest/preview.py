"""The check of a staged file (`staged/<kind>/<name>.csv`, a console upload with mode `check`).

The ingest function reads it with the very reader and validation it takes files with
(`ingest.whole.read_object`), but the valid records go to a `PreviewSink` instead of the writer:
it decides each fact's notices against what is stored (`rules.decide`, the same as the stream), finds
their recipients (`outbox.expand`, `outbox.resolve_phone`), renders them (`templates.render`) and
counts SMS parts, and writes nothing but the file's item in `files` and its report under
`reports/staged/`. Nothing is written to the tables and nothing is sent until an uploader releases it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
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
from chalicelib.ingest.objects import ABSENT, current_object
from chalicelib.ingest.ownership import audit_refusal, owner_elsewhere
from chalicelib.ingest.report import Report
from chalicelib.ingest.whole import read_object, write_report
from chalicelib.notify.outbox import expand, resolve_phone
from chalicelib.notify.retention import notice_id
from chalicelib.services import Services
from chalicelib.store.files import Checked, Upload, staged_checked, staged_started
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


class Superseded(Exception):
    """A later upload under the staged file's name has started its own check: this one stops."""


def check_staged(
    svc: Services, bucket: str, key: str, *, version: str | None = None, seq: str | None = None
) -> Report | None:
    """Validate and preview a staged file in full; its item in `files` stays `staged` (with the
    preview and the S3 version it was computed on) until an uploader releases or cancels it. None
    when a later upload under the name (`seq`: the event's padded sequencer) is checked instead, or
    when the name is another province's (the upload is refused, audited, and nothing of it kept)."""
    settings, tables, s3 = svc.settings, svc.tables, svc.clients.s3
    head = current_object(s3, bucket, key)
    latest = head.get("VersionId") if head is not None else None
    if head is None or (version and latest != version):
        # released, cancelled or uploaded again since the event: a newer upload has its own event
        logger.info("staged upload no longer the file's latest", file=key, version=version)
        return None
    metadata = head.get("Metadata") or {}
    province, uploader = metadata.get("province-code") or None, metadata.get("uploaded-by") or None
    owner = owner_elsewhere(tables, key, province)
    if owner is not None:  # the name is another province's: its item and report stay the owner's
        audit_refusal(tables, svc.clock(), key, staff=uploader, province_code=province, owner=owner)
        return None
    preview = Preview()

    def started(report: Report) -> None:
        if not staged_started(tables.files, _upload(report, seq), datetime.fromisoformat(report.started_at)):
            raise Superseded(report.file)

    try:
        report = read_object(
            svc,
            bucket,
            key,
            sink=lambda: PreviewSink(
                tables, dedupe_key=svc.dedupe_key(), unicode=settings.unicode_sms, preview=preview
            ),
            started=started,
            version=latest,
        )
    except Superseded:
        logger.info("staged upload superseded by a later one", file=key, version=version)
        return None
    write_report(s3, bucket, report)
    summary = None
    if report.status == "done":
        summary = preview.summary(settings.sms_price_usd, same_file_warnings(s3, bucket, key))
        if summary["already_sent"] or summary["already_recorded"]:
            summary["warnings"].append("same_facts")
        refused, warnings = province_warnings(report.refused, summary["notices"], release_time(svc.clock()))
        summary["refused"] = refused
        summary["warnings"].extend(warnings)
    checked = Checked(
        status=report.status,
        rows=report.rows,
        accepted=report.accepted,
        rejected=report.rejected,
        errors=report.errors,
        errors_truncated=report.errors_truncated,
        reason=report.reason,
        finished_at=datetime.fromisoformat(report.finished_at or report.started_at),
    )
    if not staged_checked(tables.files, _upload(report, seq), checked, preview=summary):
        logger.info("staged upload's check not kept", file=key, version=report.version)
    logger.info("staged file checked", file=key, status=report.status, rows=report.rows, rejected=report.rejected)
    return report


def _upload(report: Report, seq: str | None) -> Upload:
    return Upload(
        file=report.file,
        version=report.version or "",
        seq=seq,
        kind=report.kind,
        province_code=report.province_code,
        uploaded_by=report.uploaded_by,
    )


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
