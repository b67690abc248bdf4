"""The sign-in code of an OTP request, derived rather than stored: HMAC-SHA256 of the request id
under the stage's key, as six digits. The API checks a typed code against it and the sender renders
it into the SMS when it sends, so no table ever holds a code in clear (CONTRACT: "No OTP code is
ever stored in clear")."""

from __future__ import annotations

import hashlib
import hmac

DIGITS = 6
_PURPOSE = b"bhxh-otp-code:"  # domain separation: the same key also signs the lookup tokens


def otp_code(key: bytes, request_id: str) -> str:
    """The request's code: unpredictable without the key (the request id is public), the same each
    time it is computed. The modulo bias of a 256-bit value over 10^6 is below 10^-70."""
    digest = hmac.new(key, _PURPOSE + request_id.encode("utf-8"), hashlib.sha256).digest()
    return f"{int.from_bytes(digest, 'big') % 10**DIGITS:0{DIGITS}d}"


def code_matches(key: bytes, request_id: str, typed: str) -> bool:
    """Constant-time comparison of a typed code with the request's."""
    return hmac.compare_digest(otp_code(key, request_id).encode(), typed.encode("utf-8", "replace"))
