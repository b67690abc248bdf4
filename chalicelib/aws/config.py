"""The stage's settings, read from its environment (`.chalice/config.json`), never hard-coded."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    stage: str
    prefix: str  # every resource is `<prefix>-<what>`, as infra/resources.yaml names them
    region: str
    sender_id: str
    sms_type: str
    unicode_sms: bool
    clock_file: str | None  # the local stack's movable clock; unset everywhere else
    sms_per_second: float = 20.0  # SNS's SMS rate for the account, shared by the sender's instances
    id_hash_key: bytes | None = None  # keys the hash of ID numbers (ID_HASH_KEY); a secret in prod
    personal_data_days: int = 7  # how long the outbox keeps a notice's phone, parameters and recipient
    yearly_segments: int = 8  # the yearly statement's parallel scan segments (YEARLY_SEGMENTS)
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
            clock_file=env.get("BHXH_CLOCK_FILE") or None,
            sms_per_second=float(env.get("SMS_PER_SECOND", "20")),
            id_hash_key=env.get("ID_HASH_KEY", "").encode("utf-8") or None,
            personal_data_days=int(env.get("PERSONAL_DATA_DAYS", "7")),
            yearly_segments=int(env.get("YEARLY_SEGMENTS", "8")),
            staff_pool_id=env.get("STAFF_POOL_ID") or None,
            staff_client_id=env.get("STAFF_CLIENT_ID") or None,
            staff_sign_in_url=env.get("STAFF_SIGN_IN_URL") or None,
            max_upload_bytes=int(env.get("CONSOLE_MAX_UPLOAD_BYTES", str(2 << 30))),
            sms_price_usd=float(env.get("SMS_PRICE_USD", "0.0399")),
        )

    def name(self, what: str) -> str:
        """A resource's name: `name("ledger")` → `bhxh-prod-ledger`."""
        return f"{self.prefix}-{what}"
