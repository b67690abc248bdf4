"""Every status a notice can have is said in plain words, in Vietnamese and English, with what its
stored reason adds; a reason not known is shown as stored, never hidden."""

from __future__ import annotations

import pytest

from chalicelib.domain.csv_out import csv_text, safe_cell
from chalicelib.domain.notice_words import explain
from chalicelib.domain.status import Status


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_sentence_in_both_languages(status) -> None:
    words = explain(status, None)
    assert words.vi and words.en and words.vi != words.en and not words.en.startswith("Status:")


@pytest.mark.parametrize(
    ("status", "reason", "english"),
    [
        (Status.PERMANENT_FAILURE, "InvalidParameter", "not valid"),
        (Status.PERMANENT_FAILURE, "Phone carrier has blocked this message", "blocked"),
        (Status.TEMPORARY_FAILURE, "Phone is currently unreachable/unavailable", "off or out of coverage"),
        (Status.TEMPORARY_FAILURE, "Throttling", "busy"),
        (Status.TECHNICAL_FAILURE, "ReadTimeoutError: SNS may have sent it, not retried", "so as not to send it twice"),
        (Status.TECHNICAL_FAILURE, "gave up after 5 attempts (last: Throttling)", "several times"),
        (Status.TEMPORARY_FAILURE, "no delivery receipt", "72 hours"),
        (Status.CANCELLED, "batch stopped", "stopped"),
        (Status.CREATED, "resent from the console", "sent again"),
    ],
)
def test_known_reasons_are_said_plainly(status, reason, english) -> None:
    words = explain(status, reason)
    assert english in words.en and words.vi.startswith(explain(status, None).vi)


def test_an_unknown_reason_is_shown_as_stored() -> None:
    assert explain(Status.PERMANENT_FAILURE, "Carrier code 4711").en.endswith("Detail: Carrier code 4711")
    assert explain("no-such-status", None).en == "Status: no-such-status."


def test_csv_cells_never_run_as_formulas_and_excel_reads_it_as_utf8() -> None:
    assert [safe_cell(v) for v in ("=1+2", "+84912", "-3", "@SUM", "\tx", "ok", None, 7)] == [
        "'=1+2",
        "'+84912",
        "'-3",
        "'@SUM",
        "'\tx",
        "ok",
        "",
        "7",
    ]
    text = csv_text(["a", "b"], [["Hà Nội", "=cmd|' /C calc'!A0"]])
    assert text == "\ufeffa,b\r\nHà Nội,'=cmd|' /C calc'!A0\r\n"
