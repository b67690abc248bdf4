"""The stage's settings: every environment value the code reads, read here and nowhere else.

`.chalice/config.json` sets them per stage; `make package` carries them into the template, and
tests/infra checks that the prod template provides each one. Secrets are never values here: a key is
named by its SSM parameter (a SecureString), read through `aws/secrets.py`. Powertools reads its own
`POWERTOOLS_*` variables itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.domain.lanes import Lane, SendRates


@dataclass(frozen=True)
class Settings:
    stage: str
    prefix: str  # every resource is `<prefix>-<what>`, as infra/resources.yaml names them
    region: str
    sender_id: str = "BHXHVN"
    sms_type: str = "Transactional"
    unicode_sms: bool = False
    sms_per_second: float = 20.0  # SNS's SMS rate for the account (message parts a second), all senders together
    urgent_sms_per_second: float | None = None  # the urgent lane's share of it (default: 5 %)
    urgent_senders: int = 2  # the urgent queue's event source: MaximumConcurrency (infra/wiring.yaml)
    bulk_senders: int = 4  # the bulk queue's event source: MaximumConcurrency
    urgent_queue_url: str = ""  # the lanes' queues: for `route`, and the API's urgent notices
    bulk_queue_url: str = ""
    personal_data_days: int = 7  # how long the outbox keeps a notice's phone, parameters and recipient
    yearly_segments: int = 8  # the yearly statement's parallel scan segments
    ingest_chunk_bytes: int = 32 << 20  # a batch file is cut into chunks of about this many bytes
    jwt_key_parameter: str = ""  # SSM SecureString: the lookup tokens' signing key
    otp_key_parameter: str = ""  # SSM SecureString: derives OTP codes (the API and the sender; not the JWT key)
    dedupe_key_parameter: str = ""  # SSM SecureString: keys the told markers' hash
    id_hash_key_parameter: str = ""  # SSM SecureString: keys the hash of ID numbers
    inbound_topic_arn: str = ""  # the carrier's inbound-SMS topic: the only one POST /sms/inbound accepts
    staff_pool_id: str | None = None  # the console's Cognito user pool (STAFF_POOL_ID)
    staff_client_id: str | None = None  # its app client `console` (STAFF_CLIENT_ID)
    staff_sign_in_url: str | None = None  # where the page signs in (STAFF_SIGN_IN_URL); default Cognito's
    max_upload_bytes: int = 2 << 30  # the console's presigned POST size limit (CONSOLE_MAX_UPLOAD_BYTES)
    sms_price_usd: float = 0.0399  # one SMS part to Vietnam, for the console's estimate (docs/cost.md)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        stage = env.get("BHXH_STAGE", "prod")
        return cls(
            stage=stage,
            prefix=env.get("BHXH_PREFIX", f"bhxh-{stage}"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-1",
            sender_id=env.get("SMS_SENDER_ID", "BHXHVN"),
            sms_type=env.get("SMS_TYPE", "Transactional"),
            unicode_sms=env.get("SMS_UNICODE", "0") in ("1", "true", "yes"),
            sms_per_second=float(env.get("SMS_PER_SECOND", "20")),
            urgent_sms_per_second=float(env["SMS_URGENT_PER_SECOND"]) if env.get("SMS_URGENT_PER_SECOND") else None,
            urgent_senders=int(env.get("URGENT_SENDERS", "2")),
            bulk_senders=int(env.get("BULK_SENDERS", "4")),
            urgent_queue_url=env.get("URGENT_QUEUE_URL", ""),
            bulk_queue_url=env.get("BULK_QUEUE_URL", ""),
            personal_data_days=int(env.get("PERSONAL_DATA_DAYS", "7")),
            yearly_segments=int(env.get("YEARLY_SEGMENTS", "8")),
            ingest_chunk_bytes=int(env.get("INGEST_CHUNK_BYTES", str(32 << 20))),
            jwt_key_parameter=env.get("JWT_KEY_PARAMETER") or f"/bhxh/{stage}/jwt-key",
            otp_key_parameter=env.get("OTP_KEY_PARAMETER") or f"/bhxh/{stage}/otp-key",
            dedupe_key_parameter=env.get("DEDUPE_KEY_PARAMETER") or f"/bhxh/{stage}/dedupe-key",
            id_hash_key_parameter=env.get("ID_HASH_KEY_PARAMETER") or f"/bhxh/{stage}/id-hash-key",
            inbound_topic_arn=env.get("INBOUND_TOPIC_ARN", ""),
            staff_pool_id=env.get("STAFF_POOL_ID") or None,
            staff_client_id=env.get("STAFF_CLIENT_ID") or None,
            staff_sign_in_url=env.get("STAFF_SIGN_IN_URL") or None,
            max_upload_bytes=int(env.get("CONSOLE_MAX_UPLOAD_BYTES", str(2 << 30))),
            sms_price_usd=float(env.get("SMS_PRICE_USD", "0.0399")),
        )

    def rates(self) -> SendRates:
        """The account's SMS rate split between the lanes and their senders (domain/lanes.py)."""
        return SendRates.of(
            self.sms_per_second,
            urgent=self.urgent_sms_per_second,
            urgent_senders=self.urgent_senders,
            bulk_senders=self.bulk_senders,
        )

    def queue_url(self, lane: Lane) -> str:
        return self.urgent_queue_url if lane is Lane.URGENT else self.bulk_queue_url

    def name(self, what: str) -> str:
        """A resource's name: `name("ledger")` → `bhxh-prod-ledger`."""
        return f"{self.prefix}-{what}"
