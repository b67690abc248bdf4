"""The console page as it is served: the statuses' names come from domain/status.py."""

from __future__ import annotations

import json
import re

from chalicelib.agency.page import console_html
from chalicelib.domain.status import STATUS_NAMES, Status


def test_the_served_page_names_every_status_in_both_languages_from_the_one_enum() -> None:
    found = re.search(r"const STATUS_NAMES = (\{.*?\}\}); ", console_html())
    assert found is not None
    names = json.loads(found.group(1))
    assert set(names) == {"vi", "en"}
    for language in ("vi", "en"):
        assert set(names[language]) == {status.value for status in Status}
        assert names[language] == {str(k): v for k, v in STATUS_NAMES[language].items()}
