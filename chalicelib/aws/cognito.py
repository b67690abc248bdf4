"""The staff user pool as the API sees it: its names, its public keys (JWKS) to check tokens, and
whether a session still stands (GetUser)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from botocore.exceptions import BotoCoreError, ClientError

REFETCH_AFTER_S = 60  # an unknown `kid` re-reads the key set at most this often (key rotation)

Fetch = Callable[[str], bytes]


def https_get(url: str) -> bytes:
    """The key set from Cognito itself: a short timeout, TLS checked by the platform."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


@dataclass(frozen=True)
class StaffPool:
    """The user pool `bhxh-<stage>-staff` and its app client `console`."""

    region: str
    pool_id: str
    client_id: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"


class StaffKeys:
    """The pool's public keys, read once and kept; read again when a token names a key id not in
    the set (Cognito rotated its keys), at most once a minute, so forged key ids cannot make the
    API fetch on every request. A failed read keeps the keys it had."""

    def __init__(self, url: str, fetch: Fetch = https_get, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._url = url
        self._fetch = fetch
        self._monotonic = monotonic
        self._keys: dict[str, Any] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> Any | None:
        with self._lock:
            stale = self._read_at is None or self._monotonic() - self._read_at >= REFETCH_AFTER_S
            if kid not in self._keys and stale:
                self._read_at = self._monotonic()
                self._keys = self._read()
            return self._keys.get(kid)

    def _read(self) -> dict[str, Any]:
        try:
            keys = jwt.PyJWKSet.from_dict(json.loads(self._fetch(self._url))).keys
        except (OSError, ValueError, jwt.PyJWTError):
            return self._keys
        return {k.key_id: k.key for k in keys if k.key_id and k.public_key_use in (None, "sig")}


SESSION_CHECK_TTL_S = 60  # a revoked or disabled session is refused at most this long after (CONTRACT: 5 min)
MAX_REMEMBERED = 4096  # sessions checked and kept per process; the oldest are forgotten first


class StaffSessions:
    """Whether a staff member's sign-in still stands, asked of Cognito itself: `GetUser` with the
    session's access token fails once the user signed out (`GlobalSignOut`), was signed out by an
    administrator (`AdminUserGlobalSignOut`) or disabled (`AdminDisableUser` revokes the tokens).
    A token's answer is kept `SESSION_CHECK_TTL_S` per process, so a page polling every few seconds
    costs one call a minute. `GetUser` is authorised by the token itself: no IAM permission."""

    def __init__(self, cognito: Any, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._cognito = cognito
        self._monotonic = monotonic
        self._checked: dict[str, tuple[float, bool]] = {}  # sha256 of the token -> (when, Cognito's answer)
        self._lock = threading.Lock()

    def alive(self, access_token: str) -> bool:
        key = hashlib.sha256(access_token.encode()).hexdigest()
        now = self._monotonic()
        with self._lock:
            checked = self._checked.get(key)
            if checked is not None and now - checked[0] < SESSION_CHECK_TTL_S:
                return checked[1]
        try:
            self._cognito.get_user(AccessToken=access_token)
            answer = True
        except ClientError as exc:
            # revoked, disabled or expired: kept (a dead token asking again costs Cognito nothing);
            # Cognito throttled or failing: refused this time only (fail closed)
            if exc.response.get("Error", {}).get("Code") != "NotAuthorizedException":
                return False
            answer = False
        except BotoCoreError:
            return False
        with self._lock:
            self._checked[key] = (now, answer)
            while len(self._checked) > MAX_REMEMBERED:
                self._checked.pop(next(iter(self._checked)))
        return answer
