"""The agency's figures in the console: what `make report` prints (domain/figures.py, reporting/), for a
date range, as JSON for the page's chart and tables, or as CSV.

Notices per day and template come from the counters: a province's own for provincial staff (the
province of whom each notice tells, store/counters.py), every province's for national staff, with a
breakdown by province; the files are the staff member's province's (the `files` table), with their
rows taken and rejected. No province sees another's counts or spend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.agency.period import Period, read_period
from chalicelib.domain.csv_out import CsvFile, csv_text
from chalicelib.domain.figures import MEASURES, day_dicts, ict_day, per_day, totals
from chalicelib.domain.staff import NATIONAL, Staff
from chalicelib.reporting.collect import by_province, days_between, notices_between, province_notices_between
from chalicelib.services import Services
from chalicelib.store.files import province_files
from chalicelib.web.errors import bad_input

MAX_FILES = 500
FILE_COLUMNS = ("file", "kind", "status", "province_code", "uploaded_by", "started_at", "rows", "taken", "rejected")


def _files(svc: Services, staff: Staff, period: Period) -> list[dict[str, Any]]:
    """The province's files taken (not staged) whose reading started within the period (Hanoi days)."""
    out = []
    for item in province_files(svc.tables, staff.province_code, limit=MAX_FILES * 4):
        if not staff.sees(item.province_code) or not item.file.startswith("incoming/"):
            continue
        day = _hanoi_day(item.started_at)
        if period.first.isoformat() <= day <= period.last.isoformat():
            out.append(
                {
                    "file": item.file,
                    "kind": item.kind,
                    "status": item.status,
                    "province_code": item.province_code,
                    "uploaded_by": item.uploaded_by,
                    "started_at": item.started_at,
                    "rows": int(item.rows or 0),
                    "taken": int(item.accepted or 0),
                    "rejected": int(item.rejected or 0),
                }
            )
        if len(out) >= MAX_FILES:
            break
    return out


def _hanoi_day(utc_iso: str) -> str:
    return ict_day(utc_iso[:19] + "Z") if utc_iso else ""


def figures(svc: Services, staff: Staff, query: Mapping[str, str]) -> dict[str, Any] | CsvFile:
    """`?from=&to=` (Hanoi days); `format=csv` for a download: `part=notices` (per day and template,
    the default) or `part=files`."""
    period = read_period(query, svc.clock().date())
    fmt, part = query.get("format") or "json", query.get("part") or "notices"
    if fmt not in ("json", "csv"):
        raise bad_input("format", "`json` or `csv`")
    if part not in ("notices", "files"):
        raise bad_input("part", "`notices` or `files`")
    national = staff.province_code == NATIONAL
    if national:
        rows = notices_between(svc, period.first, period.last)
    else:
        rows = province_notices_between(svc, staff.province_code, period.first, period.last)
    files = _files(svc, staff, period)
    span = f"{period.first.isoformat()}_{period.last.isoformat()}"
    if fmt == "csv" and part == "notices":
        return CsvFile(
            f"figures-{span}.csv",
            csv_text(["day", "template", *MEASURES], [[r.day, r.kind, *r.counts] for r in rows]),
        )
    if fmt == "csv":
        return CsvFile(f"files-{span}.csv", csv_text(FILE_COLUMNS, [[f[c] for c in FILE_COLUMNS] for f in files]))
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "measures": list(MEASURES),
        "notices": day_dicts(rows),
        "per_day": per_day(rows, days_between(period.first, period.last)),
        "totals": totals(rows),
        "files": files,
        "files_totals": {
            "files": len(files),
            "rows": sum(f["rows"] for f in files),
            "taken": sum(f["taken"] for f in files),
            "rejected": sum(f["rejected"] for f in files),
        },
        "scope": {"notices": staff.province_code, "files": staff.province_code},
        **({"by_province": by_province(svc, period.first, period.last)} if national else {}),
    }
