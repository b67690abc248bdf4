"""Verification of SNS messages posted to an HTTP(S) endpoint, on `cryptography`.

AWS documents the check (sns-verify-signature-of-message): the string to sign is `key\\nvalue\\n`
for a fixed list of keys per message type, signed SHA1withRSA (SignatureVersion 1) or
SHA256withRSA (2) with the key of the certificate at `SigningCertURL`. That URL must be HTTPS on
`sns.<region>.amazonaws.com`; the certificate (a leaf for `sns.amazonaws.com` whose issuer is an
Amazon intermediate named by its AIA extension) is checked up to a trusted root before its key is
believed, then cached. No maintained Python library does this; this module is deliberately small.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.request
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

SIGNED_KEYS: dict[str, tuple[str, ...]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
    "UnsubscribeConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
}
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
_CERT_HOST = re.compile(r"^sns\.([a-z0-9-]+)\.amazonaws\.com$")
_CERT_PATH = re.compile(r"^/SimpleNotificationService-[0-9a-f]{32}\.pem$")  # as SNS names its certificates
_ISSUER_HOST = re.compile(r"^[a-z0-9.-]+\.amazontrust\.com$")
SNS_CERT_NAME = "sns.amazonaws.com"
MAX_AGE = timedelta(hours=1)  # SNS's longest HTTP retry policy; an older message is a replay
MAX_SKEW = timedelta(minutes=5)


class Refused(Exception):
    """The message is not believed. `str()` says why, naming no personal data; `status` is the
    HTTP answer (403). A certificate that could not be fetched is a 403 too: a forger chooses the
    URL. The one 503 is a fetch not tried because forged posts spent the minute's fetches: the
    message may be SNS's own, and SNS retries a 5xx."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.status = status


class CertificateSource(Protocol):
    def public_key(self, url: str) -> rsa.RSAPublicKey: ...


@dataclass(frozen=True)
class Envelope:
    """A verified SNS message: what the endpoint acts on."""

    type: str
    message_id: str
    topic_arn: str
    message: str
    token: str | None
    subscribe_url: str | None


def string_to_sign(body: Mapping[str, Any]) -> bytes:
    """The bytes SNS signed: each key of the message type, in order, as `key\\nvalue\\n`;
    `Subject` only when the message has one."""
    keys = SIGNED_KEYS.get(str(body.get("Type")))
    if keys is None:
        raise Refused("unknown message type")
    parts = []
    for key in keys:
        value = body.get(key)
        if key == "Subject" and value is None:
            continue
        if not isinstance(value, str):
            raise Refused(f"missing or non-text field {key}")
        parts.append(f"{key}\n{value}\n")
    return "".join(parts).encode("utf-8")


def check_cert_url(url: object, region: str) -> str:
    """Only `https://sns.<region>.amazonaws.com/SimpleNotificationService-<32 hex>.pem`, the shape
    SNS signs with, in the topic's own region: anything else is refused before any fetch."""
    if not isinstance(url, str) or len(url) > 200:
        raise Refused("no usable SigningCertURL")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a malformed port (`:443abc`, `:99999`)
    except ValueError:
        raise Refused("certificate URL is malformed") from None
    match = _CERT_HOST.match(parts.hostname or "")
    if parts.scheme != "https":
        raise Refused("certificate URL is not https")
    if not match or match.group(1) != region or port not in (None, 443) or parts.username or parts.password:
        raise Refused("certificate URL is not on sns.<region>.amazonaws.com")
    if not _CERT_PATH.match(parts.path) or parts.query or parts.fragment:
        raise Refused("certificate URL is not SNS's signing certificate")
    return url


def verify(
    body: Mapping[str, Any],
    *,
    topic_arn: str,
    certificates: CertificateSource,
    now: datetime,
    max_age: timedelta = MAX_AGE,
) -> Envelope:
    """The message if SNS signed it for `topic_arn` within `max_age` of `now`; else Refused."""
    kind = body.get("Type")
    if kind not in SIGNED_KEYS:
        raise Refused("unknown message type")
    if body.get("TopicArn") != topic_arn:
        raise Refused("message is for another topic")
    hash_of = _HASHES.get(str(body.get("SignatureVersion")))
    if hash_of is None:
        raise Refused("unknown signature version")
    url = check_cert_url(body.get("SigningCertURL"), region=topic_arn.split(":")[3])
    signed_at = _timestamp(body.get("Timestamp"))
    if now - signed_at > max_age:
        raise Refused("message is too old")
    if signed_at - now > MAX_SKEW:
        raise Refused("message is from the future")
    try:
        signature = base64.b64decode(str(body.get("Signature", "")), validate=True)
    except (binascii.Error, ValueError):
        raise Refused("signature is not base64") from None
    payload = string_to_sign(body)
    key = certificates.public_key(url)
    try:
        key.verify(signature, payload, padding.PKCS1v15(), hash_of())
    except InvalidSignature:
        raise Refused("bad signature") from None
    return Envelope(
        type=str(kind),
        message_id=str(body.get("MessageId")),
        topic_arn=topic_arn,
        message=str(body.get("Message")),
        token=body.get("Token"),
        subscribe_url=body.get("SubscribeURL"),
    )


def _timestamp(raw: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise Refused("bad timestamp") from None
    if moment.tzinfo is None:
        raise Refused("bad timestamp")
    return moment


def https_get(url: str) -> bytes:
    """The default fetcher: a short timeout, certificate checked by the platform's TLS."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def default_roots() -> list[x509.Certificate]:
    """The public roots the runtime trusts (certifi's bundle; Amazon Root CA 1-4 among them).
    Each is read alone: one malformed old root is skipped, never a reason to trust none."""
    import certifi

    with open(certifi.where(), "rb") as bundle:
        blocks = bundle.read().split(b"-----END CERTIFICATE-----")
    roots = []
    for block in blocks:
        if b"-----BEGIN CERTIFICATE-----" not in block:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                roots.append(x509.load_pem_x509_certificate(block + b"-----END CERTIFICATE-----\n"))
            except ValueError:
                continue
    return roots


class TrustedCertificates:
    """Certificates fetched over HTTPS from SNS, chain-checked to `roots`, their keys cached by URL.

    SNS serves the leaf alone: its issuer (an Amazon intermediate) is fetched from the URL in the
    leaf's AIA extension, only from `*.amazontrust.com`, and is believed only because the chain
    then verifies up to a root.

    Anyone can POST an envelope naming a certificate, so a fetch is the one thing a forger can make
    this endpoint do: at most `FETCHES_PER_MINUTE` URLs not already cached are fetched a minute, and
    a URL whose real fetch failed (unreachable, not PEM, untrusted) is refused without a fetch for
    `FAILURE_TTL` after. Only a real fetch's failure is remembered: when forged posts have spent the
    minute's fetches, a new URL is answered 503 and *not* marked failed, so SNS (which retries only
    5xx) brings a genuine message back once the minute has passed, and its certificate is fetched
    then. Real SNS needs one fetch per certificate it rotates in."""

    FAILURE_TTL = timedelta(seconds=60)
    FETCHES_PER_MINUTE = 10

    def __init__(
        self,
        roots: list[x509.Certificate],
        *,
        fetch: Callable[[str], bytes] = https_get,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache_size: int = 32,
    ) -> None:
        self._store = Store(roots)
        self._fetch = fetch
        self._now = now
        self._size = cache_size
        self._keys: OrderedDict[str, tuple[rsa.RSAPublicKey, datetime]] = OrderedDict()
        self._issuers: dict[str, x509.Certificate] = {}
        self._failed: OrderedDict[str, datetime] = OrderedDict()  # url -> refused until
        self._fetches: deque[datetime] = deque()

    def public_key(self, url: str) -> rsa.RSAPublicKey:
        now = self._now()
        cached = self._keys.get(url)
        if cached and cached[1] > now:
            return cached[0]
        until = self._failed.get(url)
        if until is not None and until > now:
            raise Refused("certificate refused a moment ago")
        self._spend_fetch(now)  # refused before any fetch: nothing learnt about the URL, nothing cached
        try:
            key = self._fetch_key(url, now)
        except Refused:
            self._failed[url] = now + self.FAILURE_TTL
            self._failed.move_to_end(url)
            while len(self._failed) > 1024:
                self._failed.popitem(last=False)
            raise
        self._failed.pop(url, None)
        self._keys[url] = (key[0], key[1])
        while len(self._keys) > self._size:
            self._keys.popitem(last=False)
        return key[0]

    def _spend_fetch(self, now: datetime) -> None:
        """One of the minute's fetches, or Refused with 503 (SNS retries a genuine message later)."""
        while self._fetches and now - self._fetches[0] >= timedelta(minutes=1):
            self._fetches.popleft()
        if len(self._fetches) >= self.FETCHES_PER_MINUTE:
            raise Refused("too many certificate fetches this minute", status=503)
        self._fetches.append(now)

    def _fetch_key(self, url: str, now: datetime) -> tuple[rsa.RSAPublicKey, datetime]:
        try:
            chain = x509.load_pem_x509_certificates(self._fetch(url))
        except ValueError:
            raise Refused("certificate is not PEM") from None
        except OSError:
            raise Refused("certificate unavailable") from None
        leaf, intermediates = chain[0], chain[1:] or [self._issuer_of(chain[0])]
        verifier = PolicyBuilder().store(self._store).time(now).build_server_verifier(DNSName(SNS_CERT_NAME))
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError:
            raise Refused("certificate chain not trusted") from None
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise Refused("certificate key is not RSA")
        return key, leaf.not_valid_after_utc

    def _issuer_of(self, leaf: x509.Certificate) -> x509.Certificate:
        try:
            aia = leaf.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
        except x509.ExtensionNotFound:
            raise Refused("certificate names no issuer to fetch") from None
        urls = [
            d.access_location.value
            for d in aia
            if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
            and isinstance(d.access_location, x509.UniformResourceIdentifier)
        ]
        for url in urls:
            if urlsplit(url).scheme in ("http", "https") and _ISSUER_HOST.match(urlsplit(url).hostname or ""):
                if url not in self._issuers:
                    try:
                        raw = self._fetch(url)
                    except OSError:
                        raise Refused("issuer certificate unavailable") from None
                    try:
                        self._issuers[url] = (
                            x509.load_pem_x509_certificate(raw)
                            if raw.lstrip().startswith(b"-----")
                            else x509.load_der_x509_certificate(raw)
                        )
                    except ValueError:
                        raise Refused("issuer certificate unreadable") from None
                return self._issuers[url]
        raise Refused("certificate issuer is not on amazontrust.com")
