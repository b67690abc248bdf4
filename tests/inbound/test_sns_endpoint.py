"""The SNS endpoint: what SNS signed for our topic is believed; every forged or foreign message is
refused with 403 and changes nothing."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from chalicelib.aws.sns_signature import (
    Refused,
    TrustedCertificates,
    check_cert_url,
    string_to_sign,
    verify,
)
from chalicelib.domain import sms_replies as r
from chalicelib.inbound.endpoint import use_certificates
from tests.inbound.conftest import (
    CERT_URL,
    ISSUER_URL,
    REGION,
    InProcessMotoCertificates,
    _cert,
    _key,
    carrier,
    make_ca,
    sign,
    sns_timestamp,
)


def _outbox(svc) -> list:
    return list(svc.tables.notifications.scan())


def test_a_version_1_notification_signed_by_a_trusted_chain_is_answered(post, notification, replies) -> None:
    answer = post(notification(carrier("BH")))
    assert answer.status_code == 200 and answer.body == {"status": "queued"}
    assert replies() == [r.HELP]


def test_a_version_2_notification_is_answered_too(post, notification, replies) -> None:
    assert post(notification(carrier("BH HUY"), version="2")).status_code == 200
    assert replies() == [r.OPTED_OUT]


def test_a_notification_signed_by_moto_itself_is_verified_with_its_certificate(svc, moto_signed, replies) -> None:
    from chalicelib.inbound.endpoint import handle_sns_post

    body = moto_signed(carrier("BH DK"))
    assert body["SignatureVersion"] == "2" and "x-amz-sns-message-type" not in body
    use_certificates(InProcessMotoCertificates())
    try:
        assert handle_sns_post(json.dumps(body), svc=svc).status_code == 200
        assert replies() == [r.OPTED_IN]
        tampered = {**body, "Message": carrier("BH HUY")}
        assert handle_sns_post(json.dumps(tampered), svc=svc).status_code == 403
        assert replies() == [r.OPTED_IN]
    finally:
        use_certificates(None)


def test_moto_s_certificate_is_not_trusted_outside_the_local_stage(moto_signed, topic_arn, test_ca) -> None:
    body = moto_signed(carrier("BH"))
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    served = sns_backends[DEFAULT_ACCOUNT_ID][REGION]._message_public_keys
    production = TrustedCertificates([test_ca.root], fetch=lambda url: served[url.rsplit("/", 1)[-1]])
    with pytest.raises(Refused, match="names no issuer"):  # moto's certificate is its own, chained to nothing
        verify(body, topic_arn=topic_arn, certificates=production, now=datetime.now(UTC))
    assert verify(body, topic_arn=topic_arn, certificates=InProcessMotoCertificates(), now=datetime.now(UTC))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"TopicArn": "arn:aws:sns:ap-southeast-1:123456789012:someone-else"}, "another topic"),
        ({"Message": carrier("BH HUY")}, "bad signature"),
        ({"SigningCertURL": "http://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-test.pem"}, "https"),
        ({"SigningCertURL": "https://sns.ap-southeast-1.amazonaws.com.evil.example/x.pem"}, "sns.<region>"),
        ({"SigningCertURL": "https://evil.example/sns.ap-southeast-1.amazonaws.com/x.pem"}, "sns.<region>"),
        ({"SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"}, "sns.<region>"),
        ({"SigningCertURL": "https://user@sns.ap-southeast-1.amazonaws.com/x.pem"}, "sns.<region>"),
        ({"SigningCertURL": "https://sns.ap-southeast-1.amazonaws.com:8443/x.pem"}, "sns.<region>"),
        ({"SigningCertURL": "https://sns.ap-southeast-1.amazonaws.com/x.pem?a=1"}, "not SNS's signing certificate"),
        ({"SigningCertURL": "https://sns.ap-southeast-1.amazonaws.com/anything.pem"}, "not SNS's signing certificate"),
        (
            {"SigningCertURL": f"https://sns.ap-southeast-1.amazonaws.com/a/{CERT_URL.rsplit('/', 1)[1]}"},
            "signing cert",
        ),
        ({"SigningCertURL": "https://sns.ap-southeast-1.amazonaws.com:443abc/x.pem"}, "malformed"),
        ({"SignatureVersion": "3"}, "signature version"),
        ({"Signature": "not base64!"}, "base64"),
        ({"Type": "Surprise"}, "type"),
        ({"Timestamp": "yesterday"}, "timestamp"),
    ],
)
def test_a_forged_or_foreign_notification_is_refused_and_changes_nothing(
    svc, post, notification, change, why, caplog
) -> None:
    body = {**notification(carrier("BH HUY")), **change}
    answer = post(body)
    assert answer.status_code == 403
    assert not _outbox(svc) and not list(svc.tables.guard.scan())
    assert any(why in str(getattr(record, "reason", "")) for record in caplog.records)


def test_a_message_re_signed_for_another_topic_is_refused(post, notification, test_ca) -> None:
    body = notification(carrier("BH"), TopicArn="arn:aws:sns:ap-southeast-1:123456789012:bhxh-local-other")
    assert post(sign(body, test_ca.leaf_key)).status_code == 403


def test_an_old_or_future_timestamp_is_refused_even_when_signed(svc, post, notification) -> None:
    now = datetime.now(UTC)
    assert post(notification(carrier("BH"), at=now - timedelta(hours=1, minutes=1)), now=now).status_code == 403
    assert post(notification(carrier("BH"), at=now + timedelta(minutes=10)), now=now).status_code == 403
    assert post(notification(carrier("BH"), at=now - timedelta(minutes=50)), now=now).status_code == 200
    assert len(_outbox(svc)) == 1


def test_a_certificate_from_an_untrusted_chain_or_for_another_name_is_refused(topic_arn, notification, test_ca) -> None:
    body = notification(carrier("BH"))
    stranger = make_ca()  # same shape, another root: ours is not trusted by it
    with pytest.raises(Refused, match="not trusted"):
        verify(
            body,
            topic_arn=topic_arn,
            certificates=TrustedCertificates([stranger.root], fetch=test_ca.fetch),
            now=datetime.now(UTC),
        )
    other_name = make_ca(leaf_name="evil.example")
    signed = sign(body, other_name.leaf_key)
    with pytest.raises(Refused, match="not trusted"):
        verify(signed, topic_arn=topic_arn, certificates=other_name.certificates(), now=datetime.now(UTC))


def test_a_self_signed_sns_certificate_and_an_issuer_off_amazontrust_are_refused(topic_arn, notification) -> None:
    key = _key()
    self_signed = _cert("sns.amazonaws.com", key, "sns.amazonaws.com", key, ca=False, san="sns.amazonaws.com")
    served = {CERT_URL: self_signed.public_bytes(Encoding.PEM)}
    with pytest.raises(Refused, match="names no issuer"):
        verify(
            sign(notification(carrier("BH")), key),
            topic_arn=topic_arn,
            certificates=TrustedCertificates([self_signed], fetch=served.__getitem__),
            now=datetime.now(UTC),
        )
    elsewhere = make_ca(issuer_url="http://crt.evil.example/m01.cer")
    with pytest.raises(Refused, match="amazontrust"):
        verify(
            sign(notification(carrier("BH")), elsewhere.leaf_key),
            topic_arn=topic_arn,
            certificates=elsewhere.certificates(),
            now=datetime.now(UTC),
        )


def test_the_certificate_and_its_issuer_are_fetched_once_then_cached(topic_arn, notification, test_ca) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return test_ca.fetch(url)

    certificates = TrustedCertificates([test_ca.root], fetch=fetch)
    for _ in range(3):
        verify(notification(carrier("BH")), topic_arn=topic_arn, certificates=certificates, now=datetime.now(UTC))
    assert fetched == [CERT_URL, ISSUER_URL]


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_an_unreachable_certificate_is_a_403_and_not_fetched_again_for_a_minute(topic_arn, notification, test_ca):
    fetched: list[str] = []

    def down(url: str) -> bytes:
        fetched.append(url)
        raise OSError("network down")

    clock = Clock()
    certificates = TrustedCertificates([test_ca.root], fetch=down, now=clock)
    for _ in range(3):
        with pytest.raises(Refused) as refused:
            verify(notification(carrier("BH")), topic_arn=topic_arn, certificates=certificates, now=clock.now)
        assert refused.value.status == 403
    assert fetched == [CERT_URL]
    clock.now += timedelta(seconds=61)
    with pytest.raises(Refused):
        verify(notification(carrier("BH")), topic_arn=topic_arn, certificates=certificates, now=clock.now)
    assert fetched == [CERT_URL, CERT_URL]


def test_a_certificate_that_fails_its_chain_is_not_fetched_again_for_a_minute(topic_arn, notification, test_ca):
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return test_ca.fetch(url)

    certificates = TrustedCertificates([make_ca().root], fetch=fetch)  # another root: ours is not trusted
    for why in ("not trusted", "a moment ago", "a moment ago"):
        with pytest.raises(Refused, match=why):
            verify(notification(carrier("BH")), topic_arn=topic_arn, certificates=certificates, now=datetime.now(UTC))
    assert fetched.count(CERT_URL) == 1


def test_forged_posts_naming_ever_new_certificates_cannot_make_it_fetch_without_bound(topic_arn, test_ca) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        raise OSError("404")

    clock = Clock()
    certificates = TrustedCertificates([test_ca.root], fetch=fetch, now=clock)
    for i in range(50):
        url = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-{i:032x}.pem"
        with pytest.raises(Refused) as refused:
            certificates.public_key(url)
        assert refused.value.status == (403 if i < TrustedCertificates.FETCHES_PER_MINUTE else 503)
    assert len(fetched) == TrustedCertificates.FETCHES_PER_MINUTE
    clock.now += timedelta(seconds=61)
    with pytest.raises(Refused):
        certificates.public_key(f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-{99:032x}.pem")
    assert len(fetched) == TrustedCertificates.FETCHES_PER_MINUTE + 1


def test_a_genuine_new_certificate_is_not_refused_for_the_forged_posts_that_spent_the_minute(
    topic_arn, notification, test_ca
) -> None:
    """Ten forged posts naming other certificate URLs spend the minute's fetches: SNS's own message
    with its new certificate gets a 503 (SNS retries a 5xx), and is believed once the minute passed."""
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        if "SimpleNotificationService-f" in url:
            raise OSError("404")  # the forger's URLs name no certificate
        return test_ca.fetch(url)

    clock = Clock()
    certificates = TrustedCertificates([test_ca.root], fetch=fetch, now=clock)
    for i in range(TrustedCertificates.FETCHES_PER_MINUTE):
        with pytest.raises(Refused, match="unavailable"):
            certificates.public_key(f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-f{i:031x}.pem")
    with pytest.raises(Refused) as refused:
        verify(notification(carrier("BH")), topic_arn=topic_arn, certificates=certificates, now=clock.now)
    assert refused.value.status == 503 and CERT_URL not in fetched
    clock.now += timedelta(seconds=61)
    envelope = verify(notification(carrier("BH")), topic_arn=topic_arn, certificates=certificates, now=clock.now)
    assert envelope.type == "Notification" and fetched.count(CERT_URL) == 1


def test_only_a_real_fetch_that_failed_is_remembered_not_a_refusal_before_any_fetch(topic_arn, test_ca) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        raise OSError("404")

    clock = Clock()
    certificates = TrustedCertificates([test_ca.root], fetch=fetch, now=clock)
    certificates.FETCHES_PER_MINUTE = 0  # every fetch refused before it is tried
    url = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-{7:032x}.pem"
    with pytest.raises(Refused, match="too many"):
        certificates.public_key(url)
    certificates.FETCHES_PER_MINUTE = 10
    with pytest.raises(Refused, match="unavailable"):  # fetched now: nothing was remembered against it
        certificates.public_key(url)
    assert fetched == [url]


def test_a_forged_post_whose_certificate_cannot_be_fetched_is_answered_403(svc, notification) -> None:
    from chalicelib.inbound.endpoint import handle_sns_post

    def down(url: str) -> bytes:
        raise OSError("network down")

    use_certificates(TrustedCertificates([make_ca().root], fetch=down))
    try:
        answer = handle_sns_post(json.dumps(notification(carrier("BH"))), svc=svc)
    finally:
        use_certificates(None)
    assert answer.status_code == 403 and answer.body["error"]["code"] == "forbidden"
    assert not _outbox(svc)


def test_the_string_to_sign_follows_the_message_type() -> None:
    base = {"Message": "m", "MessageId": "i", "Timestamp": "t", "TopicArn": "a", "Type": "Notification"}
    assert string_to_sign(base) == b"Message\nm\nMessageId\ni\nTimestamp\nt\nTopicArn\na\nType\nNotification\n"
    assert b"Subject\ns\nTimestamp" in string_to_sign({**base, "Subject": "s"})
    confirmation = {**base, "Type": "SubscriptionConfirmation", "SubscribeURL": "u", "Token": "k"}
    assert string_to_sign(confirmation) == (
        b"Message\nm\nMessageId\ni\nSubscribeURL\nu\nTimestamp\nt\nToken\nk\nTopicArn\na\nType\nSubscriptionConfirmation\n"
    )


def test_only_https_urls_on_the_topic_s_region_pass() -> None:
    assert check_cert_url(CERT_URL, REGION) == CERT_URL
    for bad in ("ftp://sns.ap-southeast-1.amazonaws.com/a.pem", None, "https://sns.amazonaws.com/a.pem"):
        with pytest.raises(Refused):
            check_cert_url(bad, REGION)


def test_a_subscription_is_confirmed_only_for_the_configured_topic(post, notification, topic_arn, test_ca) -> None:
    import boto3

    sns = boto3.client("sns", region_name=REGION)
    body = notification(
        "You have chosen to subscribe to the topic",
        Type="SubscriptionConfirmation",
        Token="a" * 64,
        SubscribeURL=f"https://sns.{REGION}.amazonaws.com/?Action=ConfirmSubscription&Token=x",
    )
    body = sign({k: v for k, v in body.items() if k != "Signature"}, test_ca.leaf_key)
    answer = post(body)
    assert answer.status_code == 200 and answer.body == {"status": "confirmed"}
    foreign = sign({**body, "TopicArn": f"arn:aws:sns:{REGION}:123456789012:someone-else"}, test_ca.leaf_key)
    assert post(foreign).status_code == 403
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)  # moto answered the confirmation


def test_an_unsubscribe_confirmation_is_logged_and_nothing_else(svc, post, notification, test_ca, caplog) -> None:
    body = notification("unsubscribed", Type="UnsubscribeConfirmation", Token="t", SubscribeURL="https://x")
    answer = post(sign({k: v for k, v in body.items() if k != "Signature"}, test_ca.leaf_key))
    assert answer.status_code == 200 and "unsubscribed this endpoint" in caplog.text
    assert not _outbox(svc)


def test_a_body_that_is_not_json_is_a_bad_request(post) -> None:
    assert post(b"\xff\xfe").status_code == 400
    assert post("[1, 2]").status_code == 400


def test_the_route_is_wired_and_reads_a_text_plain_body(functions, notification, test_ca) -> None:
    from chalice.test import Client

    use_certificates(test_ca.certificates())
    try:
        with Client(functions.http_app()) as client:
            ok = client.http.post(
                "/sms/inbound",
                headers={"Content-Type": "text/plain; charset=UTF-8"},
                body=json.dumps(notification(carrier("BH"))),
            )
            forged = client.http.post(
                "/sms/inbound",
                headers={"Content-Type": "text/plain; charset=UTF-8"},
                body=json.dumps(
                    {**notification(carrier("BH")), "Signature": base64.b64encode(os.urandom(256)).decode()}
                ),
            )
    finally:
        use_certificates(None)
    assert ok.status_code == 200 and json.loads(ok.body) == {"status": "queued"}
    assert forged.status_code == 403


def test_production_checks_sns_s_own_certificate_chain_unless_the_local_stack_says_otherwise() -> None:
    from chalicelib.inbound.endpoint import _certificates

    use_certificates(None)
    assert isinstance(_certificates(), TrustedCertificates)
    use_certificates(None)


def test_sns_timestamps_are_read_as_sns_writes_them() -> None:
    assert sns_timestamp(datetime(2026, 11, 25, 3, 0, 1, 250000, tzinfo=UTC)) == "2026-11-25T03:00:01.250Z"


def test_production_trusts_the_public_roots_amazon_s_chain_ends_in() -> None:
    from cryptography.x509.oid import NameOID

    from chalicelib.aws.sns_signature import default_roots

    names = {a.value for c in default_roots() for a in c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)}
    assert {"Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"} <= names
