"""The console page as it is served: the statuses' names come from domain/status.py, the other codes'
names from domain/messages.py."""

from __future__ import annotations

import json
import re

from chalicelib.agency.page import console_html
from chalicelib.domain.messages import for_page
from chalicelib.domain.staff import Action
from chalicelib.domain.status import STATUS_NAMES, Status
from chalicelib.domain.templates import TEMPLATES
from chalicelib.ingest.kinds import KINDS


def test_the_served_page_names_every_status_in_both_languages_from_the_one_enum() -> None:
    found = re.search(r"const STATUS_NAMES = (\{.*?\}\}); ", console_html())
    assert found is not None
    names = json.loads(found.group(1))
    assert set(names) == {"vi", "en"}
    for language in ("vi", "en"):
        assert set(names[language]) == {status.value for status in Status}
        assert names[language] == {str(k): v for k, v in STATUS_NAMES[language].items()}


def test_the_served_page_names_every_template_kind_action_row_reason_and_error_in_both_languages() -> None:
    found = re.search(r"const NAMES = (\{.*?\}\}\}); ", console_html())
    assert found is not None
    names = json.loads(found.group(1))
    assert names == for_page()
    for language in ("vi", "en"):
        assert set(names[language]["templates"]) == set(TEMPLATES)
        assert set(names[language]["kinds"]) == set(KINDS)
        assert set(names[language]["actions"]) == {action.value for action in Action}
        assert {"not_a_number", "other_province", "url_in_note"} <= set(names[language]["row_reasons"])
        assert {"conflict", "forbidden", "not_found"} <= set(names[language]["errors"])
    assert (
        names["vi"]["kinds"]["hi_cards"] == "Thẻ BHYT" and names["en"]["kinds"]["hi_cards"] == "Health-insurance cards"
    )
