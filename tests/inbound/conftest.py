"""Fixtures for SMS queries: data made through the bound models in the shared shapes, carrier
messages, SNS envelopes signed by our own test CA (version 1 and 2) and by in-process moto."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from moto.core import DEFAULT_ACCOUNT_ID

from chalicelib.aws.sns_signature import TrustedCertificates, string_to_sign
from chalicelib.inbound.endpoint import handle_sns_post, use_certificates
from chalicelib.inbound.queries import handle_inbound_sms
from tests.factories import PERSON_PHONE, carrier

REGION = "ap-southeast-1"
PHONE = PERSON_PHONE  # the registered phone of the person the queries are about
OTHER_PHONE = "+84983456789"
CERT_URL = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
ISSUER_URL = "http://crt.test.amazontrust.com/test-m01.cer"


# ---- the carrier and the outbox ----
@pytest.fixture
def ask(functions, clock):
    """Send one SMS to the short code (after the signature check) and return what happened, as the
    API's function does it, under its role; the clock moves a second after each, so replies are
    ordered by their time in the outbox."""

    def send(body: str, *, sender: str = PHONE, inbound_id: str | None = None) -> str:
        message = carrier(body, sender=sender, inbound_id=inbound_id)
        with functions.as_function("api_handler") as fn:
            outcome = handle_inbound_sms(fn, message, fallback_id="sns-id")
        clock.advance(seconds=1)
        return outcome

    return send


@pytest.fixture
def replies(svc) -> Callable[[str], list[str]]:
    """The query replies in the outbox for a phone, oldest first."""

    def read(phone: str = PHONE) -> list[str]:
        items = [n for n in svc.tables.notifications.scan() if n.template == "query_reply" and n.phone == phone]
        return [n.params.as_dict()["text"] for n in sorted(items, key=lambda n: n.created_at)]

    return read


@pytest.fixture
def reply(ask, replies):
    """Ask, and return the one reply it got."""

    def run(body: str, *, sender: str = PHONE) -> str:
        before = len(replies(sender))
        ask(body, sender=sender)
        after = replies(sender)
        assert len(after) == before + 1, after
        return after[-1]

    return run


# ---- SNS envelopes ----
@dataclass
class OwnCa:
    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    served: dict[str, bytes]  # what "the internet" serves, by URL

    def fetch(self, url: str) -> bytes:
        if url not in self.served:
            raise OSError(f"nothing at {url}")
        return self.served[url]

    def certificates(self) -> TrustedCertificates:
        return TrustedCertificates([self.root], fetch=self.fetch)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: str,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
    san: str | None = None,
    aia: str | None = None,
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=not ca,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if aia:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(aia))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(leaf_name: str = "sns.amazonaws.com", issuer_url: str = ISSUER_URL) -> OwnCa:
    from cryptography.hazmat.primitives.serialization import Encoding

    root_key, int_key, leaf_key = _key(), _key(), _key()
    root = _cert("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    intermediate = _cert("Test RSA 2048 M01", int_key, "Test Root CA", root_key, ca=True)
    leaf = _cert(leaf_name, leaf_key, "Test RSA 2048 M01", int_key, ca=False, san=leaf_name, aia=issuer_url)
    served = {CERT_URL: leaf.public_bytes(Encoding.PEM), issuer_url: intermediate.public_bytes(Encoding.DER)}
    return OwnCa(root, intermediate, leaf, leaf_key, served)


@pytest.fixture(scope="session")
def test_ca() -> OwnCa:
    """Our own root → intermediate → `sns.amazonaws.com` leaf, served as SNS serves its own: the
    leaf alone at the SigningCertURL, the intermediate at the leaf's AIA URL."""
    return make_ca()


def sign(body: dict[str, Any], key: rsa.RSAPrivateKey, version: str = "1") -> dict[str, Any]:
    signed = {**body, "SignatureVersion": version}
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(string_to_sign(signed), padding.PKCS1v15(), algorithm)
    return {**signed, "Signature": base64.b64encode(signature).decode()}


def sns_timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@pytest.fixture
def topic_arn(stack) -> str:
    return stack.outputs["InboundSmsTopicArn"]


@pytest.fixture
def notification(topic_arn, test_ca):
    """A carrier message in an SNS Notification signed by the test CA's leaf (version 1 unless told)."""

    def make(message: str, *, version: str = "1", at: datetime | None = None, **override: Any) -> dict[str, Any]:
        body = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Message": message,
            "Timestamp": sns_timestamp(at or datetime.now(UTC)),
            "SigningCertURL": CERT_URL,
            "UnsubscribeURL": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe",
        }
        body.update(override)
        return sign(body, test_ca.leaf_key, version)

    return make


@pytest.fixture
def post(functions, test_ca):
    """POST an envelope to the endpoint as SNS would (as the API's function, under its role),
    trusting only the test CA's root."""
    use_certificates(test_ca.certificates())

    def send(body: dict[str, Any] | str | bytes, *, now: datetime | None = None):
        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        with functions.as_function("api_handler") as fn:
            return handle_sns_post(raw, svc=fn, now=now)

    yield send
    use_certificates(None)


class InProcessMotoCertificates:
    """The certificates in-process moto signed with, read where its SNS backend keeps them."""

    def public_key(self, url: str) -> rsa.RSAPublicKey:
        from moto.sns.models import sns_backends

        pem = sns_backends[DEFAULT_ACCOUNT_ID][REGION]._message_public_keys[url.rsplit("/", 1)[-1]]
        return x509.load_pem_x509_certificate(pem).public_key()  # type: ignore[return-value]


@pytest.fixture
def moto_signed(topic_arn):
    """A Notification exactly as moto's SNS signs it for an HTTP subscription (version 2)."""
    from moto.sns.models import sns_backends

    sns = boto3.client("sns", region_name=REGION)
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="https", Endpoint="https://api.example.test/sms/inbound")[
        "SubscriptionArn"
    ]
    subscription = sns_backends[DEFAULT_ACCOUNT_ID][REGION].subscriptions[arn]

    def make(message: str) -> dict[str, Any]:
        return subscription.get_post_data(message, str(uuid.uuid4()), None)

    return make
