"""Which province a notice tells someone of, for the province's own figures (store/counters.py):
the recipient's stored province (a person's, an employer's), else the province of the batch file it
came from, else national (`00`: an OTP, a reply, a phone no one of the province holds).

Read a stream batch at a time: one BatchGetItem per table for its recipients, and each batch file's
province once per process (a file's province never changes: its name is its first uploader's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.staff import NATIONAL
from chalicelib.store.files import get_file
from chalicelib.store.models import Tables

_FILES: dict[str, str] = {}  # batch file → its province, for the process's life
_MAX_FILES = 10_000


def notice_provinces(tables: Tables, images: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Notice id → province, for the notices (new images) of a stream batch."""
    notices = [n for n in images if n.get("id")]
    people = sorted({str(n["recipient_ref"]) for n in notices if n.get("recipient_kind") == "person"})
    units = sorted({str(n["recipient_ref"]) for n in notices if n.get("recipient_kind") == "employer"})
    found: dict[tuple[str, str], str] = {}
    if people:
        for p in tables.people.batch_get(people, attributes_to_get=["ss_code", "province_code"]):
            if p.province_code:
                found[("person", p.ss_code)] = p.province_code
    if units:
        for e in tables.employers.batch_get(units, attributes_to_get=["unit_code", "province_code"]):
            if e.province_code:
                found[("employer", e.unit_code)] = e.province_code
    out = {}
    for n in notices:
        province = found.get((str(n.get("recipient_kind")), str(n.get("recipient_ref"))))
        out[str(n["id"])] = province or _file_province(tables, n.get("batch"))
    return out


def _file_province(tables: Tables, batch: object) -> str:
    if not isinstance(batch, str) or not batch:
        return NATIONAL
    if batch not in _FILES:
        item = get_file(tables, batch)
        if len(_FILES) >= _MAX_FILES:
            _FILES.clear()
        _FILES[batch] = (item.province_code if item is not None else None) or NATIONAL
    return _FILES[batch]
