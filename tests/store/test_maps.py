"""Stored maps read back as plain dicts, however deep, and an absent map as an empty one."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute

from chalicelib.store.maps import plain, plain_map


def test_an_absent_map_reads_as_an_empty_dict() -> None:
    assert plain_map(None) == {}


def test_maps_inside_lists_and_maps_come_back_as_plain_dicts() -> None:
    inner = {"M": {"template": {"S": "payment_received"}, "count": {"N": "3"}}}
    wire = {"samples": {"L": [inner, {"S": "text"}]}, "by": {"M": {"kind": inner}}, "n": {"N": "1"}}
    found = plain_map(MapAttribute().deserialize(wire))  # as a raw map attribute reads an item
    assert found == {
        "samples": [{"template": "payment_received", "count": 3}, "text"],
        "by": {"kind": {"template": "payment_received", "count": 3}},
        "n": 1,
    }
    assert not any(isinstance(v, MapAttribute) for v in [*found["samples"], found["by"]["kind"]])


def test_a_plain_value_is_given_back_as_it_is() -> None:
    assert plain([1, "a", None]) == [1, "a", None]
