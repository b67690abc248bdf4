"""`POST /v1/agency/uploads`: a presigned POST, so the browser sends the file straight to S3.

The policy S3 checks fixes everything the console must be able to trust afterwards: the exact key
(`incoming/…` to send, `staged/…` to check first), the size limit, and the uploader and province as
the object's metadata (`x-amz-meta-uploaded-by`, `x-amz-meta-province-code`), which ingest repeats in
the report. A staff member cannot upload as someone else or for another province. An Excel
workbook (`format` `xlsx`) goes to `<stage>/<kind>/<name>.xlsx`; ingest writes its first sheet as
`<name>.csv` beside it (ingest/xlsx.py), and that is the file the list shows (`file`).
"""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.agency.names import FileName
from chalicelib.domain.staff import Staff
from chalicelib.ingest.ownership import refused_for_owner
from chalicelib.services import Services
from chalicelib.web.errors import ApiError

EXPIRES_S = 15 * 60
Mode = Literal["send", "check"]
Format = Literal["csv", "xlsx"]
CONTENT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def presigned_upload(
    s3: Any, bucket: str, file: FileName, mode: Mode, staff: Staff, *, max_bytes: int, form: Format = "csv"
) -> dict[str, Any]:
    listed = file.key("incoming" if mode == "send" else "staged")
    key = listed.removesuffix(".csv") + ".xlsx" if form == "xlsx" else listed
    fields = {
        "x-amz-meta-uploaded-by": staff.username,
        "x-amz-meta-province-code": staff.province_code,
        "Content-Type": CONTENT_TYPES[form],
        "success_action_status": "201",
    }
    conditions: list[Any] = [
        {"bucket": bucket},
        {"key": key},
        ["content-length-range", 1, max_bytes],
        *({name: value} for name, value in fields.items()),
    ]
    post = s3.generate_presigned_post(bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=EXPIRES_S)
    return {
        "url": post["url"],
        "fields": post["fields"],
        "key": key,
        "file": listed,  # the file as the list shows it
        "expires_in": EXPIRES_S,
        "max_bytes": max_bytes,
    }


def upload_origin(s3: Any, bucket: str) -> str | None:
    """Where the browser posts uploads (the console page's CSP `connect-src`): the origin of the URL
    S3's presigned POST names for this bucket (virtual-hosted or path style, as boto3 chooses)."""
    from chalicelib.web.page_headers import origin

    try:
        url = s3.generate_presigned_post(bucket, "incoming/payments/x.csv", ExpiresIn=60)["url"]
    except Exception:  # no credentials to sign with: the endpoint's origin, as the page cannot upload anyway
        url = s3.meta.endpoint_url
    return origin(url)


def refuse_taken_name(
    svc: Services, staff: Staff, key: str, *, source_ip: str | None = None, user_agent: str | None = None
) -> None:
    """409 when the file's name belongs to another province (whoever first uploaded it), audited in
    the staff member's province's trail and in the owner's (ingest/ownership.py)."""
    where = {"source_ip": source_ip, "user_agent": user_agent}
    if refused_for_owner(svc, key, staff=staff.username, province_code=staff.province_code, **where) is None:
        return
    raise ApiError(409, "conflict", "this file name is already used by another province: choose another name")
