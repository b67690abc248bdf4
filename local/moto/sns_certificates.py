"""The local moto server's SNS signing certificate, for the local stack's inbound endpoint only.

Production checks SNS's certificate chain (chalicelib/aws/sns_signature.py); moto signs what it
delivers with a key of its own, so the local stack puts this source in place instead
(`use_certificates`), never the Lambda package.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.aws.sns_signature import Refused


class LocalMotoCertificates:
    """The local stage only: the certificate of the local moto server, which signs what it delivers
    with a key of its own and serves the PEM by key name only to a SigV4-signed `sns` request (an
    unsigned GET would go to its S3). There is no chain to check: trust comes from the endpoint
    being the local moto on loopback, where only the local stack puts this source in place."""

    def __init__(self, endpoint: str, region: str) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._region = region
        self._keys: dict[str, rsa.RSAPublicKey] = {}

    def public_key(self, url: str) -> rsa.RSAPublicKey:
        if url not in self._keys:
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials

            request = AWSRequest(method="GET", url=f"{self._endpoint}/{urlsplit(url).path.rsplit('/', 1)[-1]}")
            SigV4Auth(Credentials("testing", "testing"), "sns", self._region).add_auth(request)
            try:
                pem = signed_get(request.url, dict(request.headers.items()))
                key = x509.load_pem_x509_certificate(pem).public_key()
            except (OSError, ValueError):
                raise Refused("certificate unknown to the local moto") from None
            if not isinstance(key, rsa.RSAPublicKey):
                raise Refused("certificate key is not RSA")
            self._keys[url] = key
        return self._keys[url]


def signed_get(url: str, headers: dict[str, str]) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
        return response.read()
