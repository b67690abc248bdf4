"""`python -m local.moto_server`: moto's server, as `python -m moto.server` runs it, with its model
tracking cut down to what the local stack reads.

moto keeps every model object it ever makes in a list per class, for its `/moto-api/data.json`
dashboard: every DynamoDB item copy (each put, update, query and stream record makes some), every SQS
message, every SMS. Nothing is ever dropped, so the server's memory grows with every call, and
data.json, which the pump reads for the SMS SNS recorded, walks them all: with the lanes' backlog of
20,000 notices it took longer than the pump's 5-second timeout. Here only SNS's SMS are tracked, and
only the latest `KEEP_SMS` (the pump keeps up: it reads them every second).
"""

from __future__ import annotations

import sys
from typing import Any

KEEP_SMS = 1_000


class Latest(list):  # type: ignore[type-arg]
    """A list that keeps only its last KEEP_SMS items. A list, not a deque: data.json iterates it
    while the sender appends, which a list tolerates and a deque refuses."""

    def append(self, item: Any) -> None:
        super().append(item)
        if len(self) > KEEP_SMS:
            del self[: len(self) - KEEP_SMS]


def _track_only_sms() -> None:
    from moto.core.common_models import BaseModel
    from moto.sns.models import SMS

    SMS.instances_tracked = Latest()  # type: ignore[attr-defined]

    def tracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        instance = super(BaseModel, cls).__new__(cls)  # type: ignore[misc]
        if cls is SMS:
            cls.instances_tracked.append(instance)  # type: ignore[attr-defined]
        return instance

    BaseModel.__new__ = staticmethod(tracked_new)  # type: ignore[method-assign,assignment]


def main() -> None:
    _track_only_sms()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
