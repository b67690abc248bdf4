"""The local stack's moto server: moto's own, remembering for `/moto-api/data.json` only SNS's models.

moto keeps every model it ever made (every DynamoDB item, every S3 key and multipart part) in a
registry that `data.json` walks whole, and the pump reads SNS's recorded SMS from it after each
pass. With a province's file in the stack that walk takes minutes, holds every item twice in
memory, and fails outright (500) once a multipart upload's parts are in it (a part's `status`
raises). The local stack asks `data.json` only for SNS, so only SNS's models are remembered.
"""

from __future__ import annotations

import sys
from typing import Any


def remember_only_sns() -> None:
    from moto.core import common_models

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        instance = object.__new__(cls)
        if cls.__module__.startswith("moto.sns."):
            cls.instances_tracked.append(instance)  # type: ignore[attr-defined]
        return instance

    common_models.BaseModel.__new__ = __new__  # type: ignore[method-assign, assignment]


def main() -> None:
    remember_only_sns()
    from moto.server import main as serve

    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
