"""Personal ID numbers (CCCD, old CMND) are kept only as a keyed hash: the lookup can match a
number a person types, but a copy of the table does not give the numbers away."""

from __future__ import annotations

import hashlib
import hmac
import re

from chalicelib.domain.errors import InvalidValue

_ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$", re.ASCII)
_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_id_number(raw: str) -> str:
    """CCCD (12 digits) or the older CMND (9 digits), spaces, dots and dashes ignored."""
    text = _SEPARATORS.sub("", raw or "")
    if not _ID_NUMBER.match(text):
        raise InvalidValue("id_number must be 12 digits (CCCD) or 9 digits (CMND)")
    return text


def hash_id_number(raw: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalised number under the stage's key, hex."""
    return hmac.new(key, normalize_id_number(raw).encode("ascii"), hashlib.sha256).hexdigest()


def id_matches(raw: str, id_hash: str, key: bytes) -> bool:
    """Whether a typed number is the one stored as `id_hash`; a malformed number never matches."""
    try:
        candidate = hash_id_number(raw, key)
    except InvalidValue:
        return False
    return hmac.compare_digest(candidate, id_hash or "")
