"""Short-lived bearer tokens (JWT, HS256) scoped to one `ss_code`.

Expiry is checked against the service's clock, not the wall clock, so the local stack's movable
clock and the tests' clock decide it the same way production's does."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import jwt

from chalicelib.web.errors import unauthorized

TOKEN_TTL_S = 15 * 60
ALGORITHM = "HS256"
AUDIENCE = "bhxh-lookup"
CLOCK_SKEW_S = 60


@dataclass(frozen=True)
class Claims:
    ss_code: str
    expires_at: int


def issue_token(ss_code: str, *, key: bytes, now: datetime, issuer: str) -> str:
    issued = int(now.timestamp())
    claims = {
        "sub": ss_code,
        "iat": issued,
        "exp": issued + TOKEN_TTL_S,
        "iss": issuer,
        "aud": AUDIENCE,
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read_token(authorization: str | None, *, key: bytes, now: datetime, issuer: str) -> Claims:
    """The claims of a valid `Bearer` token, else 401: missing, altered, expired, or not for us."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    try:
        claims = jwt.decode(
            token.strip(),
            key,
            algorithms=[ALGORITHM],  # one algorithm: no `none`, no confusion with another key type
            audience=AUDIENCE,
            issuer=issuer,
            # times are checked below against the service's clock, not PyJWT's wall clock
            options={"verify_exp": False, "verify_iat": False, "require": ["sub", "iat", "exp", "iss", "aud"]},
        )
    except jwt.PyJWTError:
        raise unauthorized() from None
    expires_at, issued_at = claims.get("exp"), claims.get("iat")
    subject = claims.get("sub")
    if not isinstance(expires_at, int) or not isinstance(issued_at, int):
        raise unauthorized()
    if not issued_at - CLOCK_SKEW_S <= now.timestamp() < expires_at or expires_at - issued_at > TOKEN_TTL_S:
        raise unauthorized()
    if not isinstance(subject, str) or not (subject.isdigit() and len(subject) == 10):
        raise unauthorized()
    return Claims(ss_code=subject, expires_at=expires_at)
