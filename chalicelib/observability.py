"""Logger, Metrics and Tracer, applied once to every function through Chalice middleware.

Every log line is JSON with ids as keys; the formatter masks anything that looks personal
(phones, codes, card and ID numbers) before it leaves the process.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from chalice import Chalice, ConvertToMiddleware

from chalicelib.domain.privacy import mask_personal

NAMESPACE = "BHXH"


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines, with personal data masked in the serialised line."""

    def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]
        return mask_personal(super().serialize(log))


logger = Logger(logger_formatter=MaskingFormatter())
metrics = Metrics(namespace=NAMESPACE)
tracer = Tracer()


def instrument(app: Chalice) -> None:
    """Context in every log line, metrics flushed per invocation, a trace per handler."""
    app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)))
    app.register_middleware(ConvertToMiddleware(metrics.log_metrics))
    app.register_middleware(ConvertToMiddleware(tracer.capture_lambda_handler))


def correlate(source: str | None) -> None:
    """Every following log line carries `correlation_id`: the fact's `<file>#<line>` (or the OTP
    request, or the inbound message), so one grep follows it from its batch file to its SMS and its
    receipt. None clears it, between the records of one batch."""
    logger.set_correlation_id(source)


def count_metric(name: str, value: int = 1, **dimensions: str) -> None:
    """One EMF metric, written at once, e.g. count_metric("RowsRejected", 3, kind="payments"): a metric
    never waits for the invocation's end, so one that fails later still leaves its counts.
    Honours POWERTOOLS_METRICS_DISABLED (the local stack's console), which single_metric does not."""
    if is_metrics_disabled():
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE) as metric:
        for key, val in dimensions.items():
            metric.add_dimension(name=key, value=val)


logging.getLogger("botocore").setLevel(logging.WARNING)
# A function that counted nothing this time is normal here (a tick with nothing due): no warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")
