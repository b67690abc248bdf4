"""Whose a file name is (CONTRACT, "Agency console", Province): the province of whatever is on record
under it, staged or taken (the first upload made it so, and no other province's upload is ever
taken under it). The console refuses another province's upload with a 409 (agency/blueprint.py); an
upload that reaches S3 anyway (a presigned POST issued before the name was taken, a direct upload
carrying another province's metadata) is refused here, before it touches the owner's item or report.
Either way the refusal is audited twice: in the uploader's province's trail and in the owner's.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from chalicelib.domain.province import name_taken, owner_of
from chalicelib.domain.staff import NATIONAL, Action
from chalicelib.store.audit import Entry, append
from chalicelib.store.files import get_file
from chalicelib.store.models import Tables

if TYPE_CHECKING:
    from chalicelib.services import Services

logger = Logger(child=True)

NAME_OWNED = "name_owned"  # the audit entries' `details.reason`
AGENCY_SYSTEM = "agency-system"  # the staff named in the trail for an upload without an uploader


def stages_of(key: str) -> tuple[str, str]:
    """`incoming/<kind>/<name>.csv` and `staged/<kind>/<name>.csv`: one name, either stage."""
    rest = key.partition("/")[2]
    return f"incoming/{rest}", f"staged/{rest}"


def owner_elsewhere(tables: Tables, key: str, province_code: str | None) -> str | None:
    """The province that owns the name of `key` when it is not `province_code` (None: national)."""
    items = [get_file(tables, k) for k in stages_of(key)]
    owner = owner_of([item.province_code for item in items if item is not None])
    return owner if name_taken(owner, province_code) else None


def audit_refusal(
    tables: Tables,
    now: datetime,
    key: str,
    *,
    staff: str | None,
    province_code: str | None,
    owner: str,
    source_ip: str | None = None,
    user_agent: str | None = None,
) -> None:
    """The refused upload in both trails: the uploader's province's and the owner's."""
    province = province_code or NATIONAL
    who = staff or AGENCY_SYSTEM
    where = {"source_ip": source_ip, "user_agent": user_agent}
    for trail, details in (
        (province, {"reason": NAME_OWNED, "owner": owner}),
        (owner, {"reason": NAME_OWNED, "by_province": province}),
    ):
        entry = Entry(who, trail, Action.UPLOAD.value, "refused", key, details=details, **where)
        append(tables, entry, now=now)
    logger.info("upload refused: the name is another province's", file=key, owner=owner, province=province)


def refused_for_owner(
    svc: Services,
    key: str,
    *,
    staff: str | None,
    province_code: str | None,
    source_ip: str | None = None,
    user_agent: str | None = None,
) -> str | None:
    """The owning province when `key`'s name is another province's, the refusal then audited in
    both trails; None when the upload may go on. The console and the ingest ask the same way."""
    owner = owner_elsewhere(svc.tables, key, province_code)
    if owner is not None:
        audit_refusal(
            svc.tables,
            svc.clock(),
            key,
            staff=staff,
            province_code=province_code,
            owner=owner,
            source_ip=source_ip,
            user_agent=user_agent,
        )
    return owner
