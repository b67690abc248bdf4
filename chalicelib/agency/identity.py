"""Who is calling the console: the staff pool's ID token, verified here on every request.

In AWS the API Gateway Cognito authorizer checks the token first (`infra/package.py` puts it on
every `/v1/agency/` route); this is the same check in code, so a route never trusts a token it has
not verified itself, and the local stack and tests (which have no authorizer) check exactly this.
Token times are checked against the real time: Cognito, not this service's clock, issued them.
"""

from __future__ import annotations

import jwt

from chalicelib.api.errors import ApiError, unauthorized
from chalicelib.aws.cognito import StaffKeys, StaffPool
from chalicelib.domain.staff import NotStaff, Staff

ALGORITHM = "RS256"  # what Cognito signs with; no other is accepted (no `none`, no HMAC with a public key)
MAX_TOKEN_CHARS = 8192  # Cognito's ID tokens are ~1-2 KB; a bigger "token" is refused before parsing
LEEWAY_S = 30


def verify_id_token(authorization: str | None, *, pool: StaffPool, keys: StaffKeys) -> Staff:
    """The staff member an `Authorization: Bearer <ID token>` names, else 401 (no valid token of this
    pool's console client) or 403 (a valid token, but no console role or no province)."""
    token = _bearer(authorization)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise unauthorized() from None
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM or not isinstance(kid, str) or len(kid) > 200:
        raise unauthorized()
    key = keys.key(kid)
    if key is None:
        raise unauthorized()
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=pool.client_id,
            issuer=pool.issuer,
            leeway=LEEWAY_S,
            options={"require": ["exp", "iat", "iss", "aud", "token_use"]},
        )
    except jwt.PyJWTError:
        raise unauthorized() from None
    if claims.get("token_use") != "id":  # an access token has no `aud` and no attributes: not this
        raise unauthorized()
    try:
        return Staff.from_claims(claims)
    except NotStaff as exc:
        raise forbidden(str(exc)) from None


class Forbidden(ApiError):
    """403: a valid staff member, not allowed this (role) or not for this file (province). `subject`
    names what was refused, for the audit trail."""

    def __init__(self, message: str, subject: str | None = None) -> None:
        super().__init__(403, "forbidden", message)
        self.subject = subject


def forbidden(message: str = "not allowed for this staff member", subject: str | None = None) -> Forbidden:
    return Forbidden(message, subject)


class Unfound(ApiError):
    """404 for a console lookup (a person, a notice): `subject` names, masked, what was looked for, so
    that the audit trail records a search that found no one as well as one that did."""

    def __init__(self, message: str, subject: str | None = None) -> None:
        super().__init__(404, "not_found", message)
        self.subject = subject


class Hidden(Unfound):
    """404 for what exists but is another province's (a file, a notice, a case, a person): answered
    exactly as the absent thing is, so no answer tells what exists elsewhere; audited as refused."""


def hidden(absent: ApiError, subject: str | None = None) -> Hidden:
    """The answer `absent` gives for the thing not being there, for a thing the staff may not see."""
    return Hidden(absent.message, subject)


def _bearer(authorization: str | None) -> str:
    """The token of `Bearer <token>` (the contract's form), or of a bare token (API Gateway's
    Cognito authorizer takes either)."""
    text = (authorization or "").strip()
    if len(text) > MAX_TOKEN_CHARS + 7:
        raise unauthorized()
    scheme, _, rest = text.partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else text
    if not token or " " in token or token.count(".") != 2:
        raise unauthorized()
    return token
