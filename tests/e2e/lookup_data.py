"""People, history and ledger items written straight into the running local stack's tables, in the
shapes the ingest writes them, for the lookup page and API tests."""

from __future__ import annotations

from typing import Any

ANNA = "0110129425"
ANNA_PHONE = "+84912345678"
CARD = f"HC401{ANNA}"
DOSSIER = "03706/2026/07906"
OWED = ("2025-11", "2025-12")


def seed(stack: Any, ss: str = ANNA, phone: str = ANNA_PHONE) -> None:
    """Anna (or another person of her record under `ss` and `phone`): 2025, its last two months owed."""
    import boto3

    resource = boto3.resource(
        "dynamodb",
        endpoint_url=stack.moto,
        region_name="ap-southeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    resource.Table("bhxh-local-people").put_item(
        Item={
            "ss_code": ss,
            "full_name": "Nguyễn Thị Ánh",
            "date_of_birth": "1990-04-12",
            "phone": phone,
            "unit_code": "TZH490L",
            "province_code": "40",
        }
    )
    history = resource.Table("bhxh-local-history")
    for m in range(1, 13):
        period = f"2025-{m:02d}"
        history.put_item(
            Item={
                "ss_code": ss,
                "period_unit": f"{period}#TZH490L",
                "period": period,
                "unit_code": "TZH490L",
                "salary_vnd": 8_000_000,
                "si_vnd": 2_040_000,
                "hi_vnd": 360_000,
                "ui_vnd": 160_000,
                "status": "owed" if period in OWED else "paid",
            }
        )
    ledger = resource.Table("bhxh-local-ledger")
    if ss != ANNA:
        return
    ledger.put_item(
        Item={
            "pk": f"hi_card#{CARD}",
            "kind": "hi_card",
            "ss_code": ANNA,
            "facts": {
                "card_no": CARD,
                "ss_code": ANNA,
                "valid_from": "2026-01-01",
                "valid_to": "2027-12-31",
                "household": True,
                "facility": "Bệnh viện Đa khoa Nghệ An",
            },
        }
    )
    ledger.put_item(
        Item={
            "pk": f"voluntary#{ANNA}",
            "kind": "voluntary",
            "ss_code": ANNA,
            "facts": {"ss_code": ANNA, "months_per_payment": 12, "paid_to": "2027-06", "income_vnd": 5_000_000},
        }
    )
    ledger.put_item(
        Item={
            "pk": f"dossier#{DOSSIER}",
            "kind": "dossier",
            "facts": {
                "dossier_no": DOSSIER,
                "procedure": "Cấp lại sổ BHXH",
                "submitter_phone": ANNA_PHONE,
                "status": "processing",
                "received_on": "2026-11-02",
                "appointment_on": "2026-11-20",
            },
        }
    )
