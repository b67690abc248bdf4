"""Every code a clerk or a person reads (row reasons, API errors, templates, kinds, audit actions, a
file's shown status) is named in Vietnamese and English in one catalogue, and every such code the
service gives is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain import messages
from chalicelib.domain.errors import InvalidValue
from chalicelib.domain.file_view import ShownStatus
from chalicelib.domain.province import REASONS as PROVINCE_REASONS
from chalicelib.domain.staff import Action
from chalicelib.domain.templates import TEMPLATES
from chalicelib.ingest.kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["x", "12,5", "1.5", "-3", "9" * 30, "2999-01-01", "31/02/2026", "13/2026", "1800-01", "maybe", "a" * 600]
HOSTILE += ["ab\u202ecd", "a\x07b", "http://evil.example/x", "0912", "01234567890", "0241234567", "ZZZ!", "0"]


@pytest.mark.parametrize("section", sorted(messages.SECTIONS))
def test_every_code_of_each_section_has_vietnamese_and_english(section: str) -> None:
    for code, words in messages.SECTIONS[section].items():
        assert words.vi.strip() and words.en.strip(), (section, code)


def test_the_catalogue_names_every_template_kind_and_audit_action_and_nothing_else() -> None:
    assert set(messages.TEMPLATES) == set(TEMPLATES)
    assert set(messages.KINDS) == set(KINDS)
    assert set(messages.ACTIONS) == {a.value for a in Action}
    assert set(messages.FILE_STATUSES) == {s.value for s in ShownStatus}


def test_every_row_reason_code_a_pattern_gives_is_named() -> None:
    codes = [code for code, _ in messages._ROW_PATTERNS]
    assert set(codes) | {messages.OTHER} == set(messages.ROW_REASONS)
    assert set(PROVINCE_REASONS) <= set(codes)


def _reasons_of_every_column() -> set[str]:
    """What each kind's column says of hostile values: the reasons rejected rows carry."""
    said = set()
    for kind in KINDS.values():
        for column in kind.columns.values():
            for raw in HOSTILE:
                try:
                    column.parse(raw)
                except InvalidValue as exc:
                    said.add(str(exc))
    return said


def test_every_reason_a_column_gives_has_a_code_of_its_own() -> None:
    said = _reasons_of_every_column()
    assert len(said) > 20
    assert {
        reason: messages.row_reason_code(reason) for reason in said if messages.row_reason_code(reason) == "other"
    } == {}


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("required value missing", "missing_value"),
        ("field over 128 KiB", "field_too_large"),
        ("not a whole number: '12,5'", "not_a_number"),
        ("not a whole number of months: '1.5'", "not_whole_months"),
        ("card_no does not embed the row's ss_code", "card_not_person"),
        ("valid_to is before valid_from", "dates_reversed"),
        ("fund_paid_vnd is more than total_vnd", "fund_over_total"),
        ("url_in_note: a link to 'http://x.example'; only baohiemxahoi.gov.vn may be named", "url_in_note"),
        ("other_province", "other_province"),
        ("unknown_unit", "unknown_unit"),
        ("unknown_person", "unknown_person"),
        ("something new", "other"),
    ],
)
def test_a_row_reason_gets_its_stable_code(reason: str, code: str) -> None:
    assert messages.row_reason_code(reason) == code


def _error_codes_in_source() -> set[str]:
    """The codes the service answers errors with: ApiError's, the HTTP middleware's, the gateway's."""
    codes: set[str] = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r"ApiError\(\s*\d{3},\s*\"([a-z_]+)\"", text))
        codes |= set(re.findall(r"super\(\)\.__init__\(\d{3}, \"([a-z_]+)\"", text))
    for path in (ROOT / "chalicelib" / "web" / "middleware.py", ROOT / "chalicelib" / "inbound" / "endpoint.py"):
        codes |= set(re.findall(r"(?:: |\d: )\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    codes |= set(re.findall(r"\\?\"code\\?\": \\?\"([a-z_]+)\\?\"", (ROOT / "infra" / "wiring.yaml").read_text()))
    return codes


def test_every_error_code_the_service_answers_is_named() -> None:
    codes = _error_codes_in_source()
    assert {"bad_input", "conflict", "forbidden", "not_found", "internal_error", "unavailable"} <= codes
    assert codes - set(messages.ERRORS) == set()


def test_the_page_is_given_each_section_in_both_languages() -> None:
    page = messages.for_page()
    assert page["vi"]["templates"]["payment_received"] == "Đơn vị đã nộp tiền"
    assert page["en"]["actions"]["read_file"] == "Read a file"
    assert set(page["vi"]) == set(page["en"]) == set(messages.SECTIONS)
