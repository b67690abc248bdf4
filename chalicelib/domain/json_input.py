"""JSON from outside (an API body, an SNS envelope) read without letting its shape hurt us.

`json.loads` recurses once per level of nesting and raises RecursionError (not ValueError) past
Python's limit, so a 2 KB body of `[[[[…` used to be a 500. Nesting is refused well before that:
no body the contract describes is more than a few levels deep."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.errors import InvalidValue

MAX_DEPTH = 32


def parse_json_object(raw: bytes | str | None, *, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The body as a JSON object; InvalidValue (saying why) for anything else."""
    try:
        value = json.loads(raw or b"", parse_constant=_no_constant)
    except RecursionError:
        raise InvalidValue(f"nested deeper than {max_depth} levels") from None
    except (TypeError, ValueError):  # UnicodeDecodeError is a ValueError
        raise InvalidValue("not JSON") from None
    if not isinstance(value, dict):
        raise InvalidValue("not a JSON object")
    if _depth(value) > max_depth:
        raise InvalidValue(f"nested deeper than {max_depth} levels")
    return value


def _no_constant(name: str) -> Any:
    """`NaN` and `Infinity` are not JSON (RFC 8259), though Python reads them."""
    raise ValueError(name)


def _depth(value: Any) -> int:
    """How deeply containers nest, counted without recursion (the value may be ~1000 deep); a text
    (key or value) with a lone surrogate (`"\\ud800"`, which no store or log can encode) is refused."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            _encodable(item)
        elif isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((key, level + 1) for key in item)
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def _encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue("a text is not valid Unicode (a lone surrogate)") from None
