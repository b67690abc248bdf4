"""The one builder `make run` and the tests' fixtures share (local/stack/build.py)."""

from __future__ import annotations

from local.stack.build import LocalService


def test_the_fixtures_functions_and_pump_come_from_one_build(local_service: LocalService, functions, pump) -> None:
    assert functions is local_service.functions
    assert pump is local_service.pump
    assert local_service.pump is pump  # made once


def test_a_build_makes_its_pump_only_when_asked(local_service: LocalService) -> None:
    assert local_service._pump is None
    queues = {q.name for q in local_service.pump.queue_sources()}
    assert "ingest" in queues
