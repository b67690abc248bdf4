"""Whatever arrives, the handler answers with a report: never an exception, and every row counted."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings

from tests.ingest.strategies import csv_files, raw_files

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_arbitrary_bytes_always_get_a_report_and_never_an_exception(upload, deliver, read_report) -> None:
    names = itertools.count()

    @FUZZ
    @given(raw_files)
    def check(case: tuple[str, bytes]) -> None:
        kind, data = case
        name = f"bytes-{next(names)}"
        key = upload(kind, f"{name}.csv", data)
        assert deliver(key) == []
        report = read_report(f"reports/{kind}/{name}.json")
        assert report["status"] in ("done", "rejected")
        assert report["accepted"] + report["rejected"] == report["rows"]
        if report["status"] == "rejected":
            assert report["reason"] and report["rows"] == 0

    check()


def test_arbitrary_rows_are_each_accepted_or_rejected_with_a_reason(upload, deliver, read_report) -> None:
    names = itertools.count()

    @FUZZ
    @given(csv_files())
    def check(case: tuple[str, bytes, int]) -> None:
        kind, data, rows = case
        name = f"rows-{next(names)}"
        key = upload(kind, f"{name}.csv", data)
        assert deliver(key) == []
        report = read_report(f"reports/{kind}/{name}.json")
        assert report["accepted"] + report["rejected"] == report["rows"]
        if report["status"] == "done":
            assert report["rows"] == rows
            assert len(report["errors"]) >= min(report["rejected"], 100)
        else:
            assert report["reason"].startswith("missing required column")

    check()
