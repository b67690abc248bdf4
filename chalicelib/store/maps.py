"""Stored maps as plain Python: the one place that unwraps PynamoDB's `MapAttribute`.

`MapAttribute.as_dict()` leaves maps inside lists wrapped, and an absent map is None; every reader
wants a dict (empty when absent) of plain values, so they all ask here.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute


def plain(value: Any) -> Any:
    """`value` with every map in it, at any depth and inside lists, as a dict."""
    if isinstance(value, MapAttribute):
        return {key: plain(inner) for key, inner in value.attribute_values.items()}
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    return value


def plain_map(attribute: MapAttribute | None) -> dict[str, Any]:
    """A map attribute's values as a dict; {} when the item has none."""
    return plain(attribute) if attribute is not None else {}
