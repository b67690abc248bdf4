"""`delivery_logs`: SNS's SMS delivery-status log groups, by CloudWatch Logs subscription."""

from __future__ import annotations

from typing import Any

from chalicelib.notify.delivery_logs import apply_delivery_logs
from chalicelib.services import services


def handle(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    return apply_delivery_logs(services(), event)
