"""The demo data holds what the README tells a reader to try: a person with a phone and an owed month
to flag (and a visit), in Nghệ An, so that their case shows in support.na's Flags tab."""

from __future__ import annotations

import csv
import re

from local.env import ROOT
from local.stack.demo import sample_files

FLAG_PERSON = "4026821744"  # Võ Thanh Thảo, named in README's lookup-page paragraph


def _rows(kind: str) -> list[dict[str, str]]:
    return [row for k, path in sample_files() if k == kind for row in csv.DictReader(path.open(encoding="utf-8"))]


def test_the_readmes_person_to_flag_has_a_phone_an_owed_month_and_a_visit() -> None:
    [person] = [p for p in _rows("people") if p["ss_code"] == FLAG_PERSON]
    assert person["phone"] and person["province_code"] == "40"
    owed = [h for h in _rows("history") if h["ss_code"] == FLAG_PERSON and h["status"] == "owed"]
    assert [h["period"] for h in owed] == ["2026-10"]
    [card] = [c["card_no"] for c in _rows("hi_cards") if c["ss_code"] == FLAG_PERSON]
    assert any(v["card_no"] == card for v in _rows("hi_claims"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"Võ Thanh Thảo \(`{FLAG_PERSON}`, phone `{person['phone']}`", readme)
