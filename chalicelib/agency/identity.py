"""Who is calling the console: the staff pool's ID token, verified here on every request.

In AWS the API Gateway Cognito authorizer checks the token first (`infra/package.py` puts it on
every `/v1/agency/` route); this is the same check in code, so a route never trusts a token it has
not verified itself, and the local stack and tests (which have no authorizer) check exactly this.
Token times are checked against the real time: Cognito, not this service's clock, issued them.
An ID token cannot be revoked, so each request also carries the same sign-in's access token, which
Cognito is asked about (at most a minute stale): signing out or disabling the user ends the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from chalicelib.aws.cognito import StaffKeys, StaffPool, StaffSessions
from chalicelib.domain.staff import NotStaff, Staff
from chalicelib.web.errors import ApiError, unauthorized

ALGORITHM = "RS256"  # what Cognito signs with; no other is accepted (no `none`, no HMAC with a public key)
MAX_TOKEN_CHARS = 8192  # Cognito's ID tokens are ~1-2 KB; a bigger "token" is refused before parsing
LEEWAY_S = 30


ACCESS_HEADER = "x-access-token"  # the same sign-in's access token, beside the ID token (revocation)


@dataclass(frozen=True)
class SignedIn:
    """A verified staff member and the sign-in their tokens come from: `session` is the same for
    every token of one sign-in (Cognito's `origin_jti`, kept across refreshes), `auth_time` when
    Cognito authenticated them."""

    staff: Staff
    session: str
    auth_time: int


def verify_session(
    authorization: str | None, access_token: str | None, *, pool: StaffPool, keys: StaffKeys, sessions: StaffSessions
) -> SignedIn:
    """The staff member an `Authorization: Bearer <ID token>` names, with the same sign-in's access
    token (header `X-Access-Token`): both signed by the pool for the console client, of the same user
    and sign-in, and the session still standing in Cognito (not signed out, not disabled;
    `StaffSessions`). Else 401 (an ID token alone cannot be revoked, so it is not enough), or 403 (a
    valid sign-in, but no console role or no province)."""
    id_claims = _claims(_bearer(authorization), "id", pool=pool, keys=keys)
    access = _claims(_bearer(access_token), "access", pool=pool, keys=keys)
    same_user = access.get("sub") == id_claims.get("sub") and access.get("username") == id_claims.get(
        "cognito:username"
    )
    origin = id_claims.get("origin_jti")
    if not same_user or access.get("origin_jti") != origin:
        raise unauthorized("the access token is not of this sign-in")
    staff = _staff(id_claims)
    if not sessions.alive(_bearer(access_token)):
        raise unauthorized("the session has ended: sign in again")
    auth_time = id_claims.get("auth_time")
    auth_time = auth_time if isinstance(auth_time, int) else int(id_claims["iat"])
    session = origin if isinstance(origin, str) and origin else f"{id_claims.get('sub')}@{auth_time}"
    return SignedIn(staff=staff, session=session, auth_time=auth_time)


def _claims(token: str, use: str, *, pool: StaffPool, keys: StaffKeys) -> dict[str, Any]:
    """The claims of a token of this pool's console client, of the given `token_use`, else 401."""
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
    required = ["exp", "iat", "iss", "token_use"] + (["aud"] if use == "id" else ["client_id"])
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=pool.client_id if use == "id" else None,
            issuer=pool.issuer,
            leeway=LEEWAY_S,
            options={"require": required, "verify_aud": use == "id"},
        )
    except jwt.PyJWTError:
        raise unauthorized() from None
    # an access token has no `aud` and no attributes, an ID token no `client_id`: each only as itself
    if claims.get("token_use") != use or (use == "access" and claims.get("client_id") != pool.client_id):
        raise unauthorized()
    return claims


def _staff(claims: dict[str, Any]) -> Staff:
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
