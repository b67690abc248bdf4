"""A batch file's recipient list (CONTRACT: `GET /v1/agency/files/<kind>/<name>/notices`): each notice
of that upload with its template, status and reason in plain words (vi, en: the hotline's words,
domain/notice_words.py), its times, its file line, and the phone masked to its last three digits;
filtered by status, searched, a page of 100 with the total said, or a CSV.

Who may read it is who may read the file page (`find_file`: the same province rule, the same
answer for another province's file). The notices are the file's own: a provincial file only holds
rows of its province, so no notice is checked again.

`q` is one whole identifier, the way a clerk on the phone has it: a phone (any written form: the
people and employers registered with it, the people it used to belong to, and notices to the phone
itself), an ss_code (that person's notices) or a unit code (that employer's). Not a phone's last
digits: the list shows three digits, which a thousand people of a big file share; a search by them
would read every notice of the file whole. A term that fits several shapes (`0912345678` is a phone
and could be a code) is searched as each. The search reads the recipient index (store/recipients.py)
and keeps the notices of this file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from chalicelib.agency.names import FileName
from chalicelib.agency.paging import PER_PAGE, read_page, said, window
from chalicelib.agency.uploaded_files import find_file
from chalicelib.domain import identifiers
from chalicelib.domain.csv_out import CsvFile, csv_text
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.notice_words import explain
from chalicelib.domain.phones import mask_phone, normalize_mobile
from chalicelib.domain.privacy import mask_code
from chalicelib.domain.staff import Staff
from chalicelib.domain.status import STATUS_NAMES, Status
from chalicelib.services import Services
from chalicelib.store.batch_notices import batch_items, batch_page
from chalicelib.store.batches import batch_key
from chalicelib.store.models import NotificationModel, Tables
from chalicelib.store.recipients import WHOSE, former_holders, notice_ids_to, notices_by_id, phone_holders
from chalicelib.web.errors import bad_input

MAX_Q_CHARS = 40
CSV_PER_PAGE = 10_000  # ~3.5 MB of CSV: within a Lambda answer (6 MB); a bigger file is downloaded in parts
_STATUSES = frozenset(s.value for s in Status)
CSV_HEADER = (
    "line",
    "template",
    "status",
    "status_vi",
    "status_en",
    "reason_vi",
    "reason_en",
    "created_at",
    "sent_at",
    "delivered_at",
    "phone",
    "recipient_kind",
    "recipient",
)


def _status(query: Mapping[str, str]) -> str | None:
    status = query.get("status") or None
    if status is not None and status not in _STATUSES:
        raise bad_input("status", f"one of {', '.join(sorted(_STATUSES))}")
    return status


def _format(query: Mapping[str, str]) -> str:
    shape = query.get("format") or "json"
    if shape not in ("json", "csv"):
        raise bad_input("format", "`json` or `csv`")
    return shape


def _phone(text: str) -> str | None:
    try:
        return normalize_mobile(text)
    except InvalidValue:
        return None


def _shaped(parse: Any, text: str) -> str | None:
    try:
        return parse(text)
    except InvalidValue:
        return None


def read_q(raw: str | None) -> tuple[str, str] | None:
    """The search term, well formed: (the term as searched, masked for the audit trail); None for none."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > MAX_Q_CHARS or not text.isprintable():
        raise bad_input("q", f"a phone, an ss_code or a unit code, at most {MAX_Q_CHARS} characters")
    phone = _phone(text)
    if phone is None and _shaped(identifiers.unit_code, text) is None:  # every ss_code is a unit code's shape
        raise bad_input("q", "a phone, an ss_code or a unit code")
    return text, mask_phone(phone) if phone else mask_code(text.upper())


def _refs(tables: Tables, text: str) -> set[tuple[str, str]]:
    """The recipients a term can name: `(kind, ref)` as notices carry them."""
    wanted: set[tuple[str, str]] = set()
    phone = _phone(text)
    if phone:
        holders = phone_holders(tables, phone)
        wanted |= {("person", p.ss_code) for p in holders.people + former_holders(tables, phone)}
        wanted |= {("employer", e.unit_code) for e in holders.employers}
        wanted.add(("phone", phone))
    code = _shaped(identifiers.ss_code, text)
    if code:
        wanted.add(("person", code))
    unit = _shaped(identifiers.unit_code, text)
    if unit:
        wanted.add(("employer", unit))
    return wanted


def _searched(
    tables: Tables, batch: str, text: str, status: str | None, page_at: slice
) -> tuple[list[str], int, dict[str, int]]:
    """The batch's notices to whom the term names: the page's ids, the total, the counts by status."""
    wanted = _refs(tables, text)
    ids, _ = notice_ids_to(tables, {ref for _, ref in wanted})
    light = notices_by_id(tables, ids, [*WHOSE, "batch", "status"])
    mine = sorted(
        (n for n in light if n.batch == batch and (n.recipient_kind, n.recipient_ref) in wanted), key=lambda n: n.id
    )
    counts = Counter(str(n.status) for n in mine)
    matching = [n.id for n in mine if status is None or str(n.status) == status]
    return matching[page_at], len(matching), dict(counts)


def _line(item: NotificationModel) -> int | None:
    tail = (item.source or "").rpartition("#")[2]
    return int(tail) if tail.isdigit() else None


def _row(item: NotificationModel) -> dict[str, Any]:
    status = str(item.status)
    ref = item.recipient_ref or ""
    return {
        "id": item.id,
        "line": _line(item),
        "template": item.template,
        "status": status,
        "status_name": {lang: names.get(Status(status), status) for lang, names in STATUS_NAMES.items()}
        if status in _STATUSES
        else {"vi": status, "en": status},
        "reason": explain(status, item.reason).as_dict(),
        "created_at": item.created_at,
        "sent_at": item.sent_at,
        "delivered_at": item.receipt_at if status == Status.DELIVERED else None,
        "phone": mask_phone(item.phone) if item.phone else None,
        "recipient": {
            "kind": item.recipient_kind,
            "masked": mask_phone(ref) if item.recipient_kind == "phone" else mask_code(ref),
        },
    }


def _csv(file: FileName, rows: list[dict[str, Any]], page: int, pages: int) -> CsvFile:
    part = f".{page}-of-{pages}" if pages > 1 else ""
    cells = (
        (
            r["line"],
            r["template"],
            r["status"],
            r["status_name"]["vi"],
            r["status_name"]["en"],
            r["reason"]["vi"],
            r["reason"]["en"],
            r["created_at"],
            r["sent_at"],
            r["delivered_at"],
            r["phone"],
            r["recipient"]["kind"],
            r["recipient"]["masked"],
        )
        for r in rows
    )
    return CsvFile(f"{file.name}.recipients{part}.csv", csv_text(CSV_HEADER, cells))


def recipients(
    svc: Services, staff: Staff, file: FileName, query: Mapping[str, str]
) -> tuple[dict[str, Any] | CsvFile, str, dict[str, Any]]:
    """The page (or the CSV part) asked for; the file's key for the audit trail, and what was asked."""
    item = find_file(svc, staff, file)
    status, shape, page, term = _status(query), _format(query), read_page(query), read_q(query.get("q"))
    per_page = CSV_PER_PAGE if shape == "csv" else PER_PAGE
    # the newest upload's notices (an earlier upload of the name is its own batch); a staged file has sent nothing
    batch = batch_key(item.file, item.version) if item.file.startswith("incoming/") else None
    ids: list[str] = []
    total, counts = 0, {}
    if batch and term:
        ids, total, counts = _searched(svc.tables, batch, term[0], status, window(page, per_page))
    elif batch:
        found = batch_page(svc.tables, batch, status=status, start=(page - 1) * per_page, size=per_page)
        ids, total, counts = found.ids, found.total, found.counts
    rows = [_row(n) for n in batch_items(svc.tables, ids)]
    paging = said(total, page, per_page)
    asked = {"status": status, "q": term[1] if term else None, "page": page, "format": shape, "rows": len(rows)}
    details = {k: v for k, v in asked.items() if v is not None}
    if shape == "csv":
        return _csv(file, rows, page, paging["pages"]), item.file, details
    body = {
        "file": item.file,
        "kind": file.kind,
        "name": file.name,
        "status": status,
        "q": term[1] if term else None,
        "notices": rows,
        "counts": counts,
        **paging,
        "csv_pages": max(1, -(-total // CSV_PER_PAGE)),
    }
    return body, item.file, details
