"""Province isolation, the pure rules: whose a file name is, and which rows a provincial file may take."""

from __future__ import annotations

import pytest

from chalicelib.domain.province import (
    OTHER_PROVINCE,
    REASON_NAMES,
    REASONS,
    UNKNOWN_PERSON,
    UNKNOWN_UNIT,
    OnRecord,
    PersonPlace,
    Refusal,
    name_taken,
    owner_of,
    refusal,
)

NA_PERSON, HN_PERSON, NOWHERE_PERSON = "4012345678", "0112345678", "4099999999"
KNOWN = OnRecord(
    people={
        NA_PERSON: PersonPlace("40", "NA0001A"),
        HN_PERSON: PersonPlace("01", None),
        "4000000001": PersonPlace(None, "HN0003C"),  # no province of their own: their unit's
    },
    units={"NA0001A": "40", "HN0003C": "01", "OLD0001": None},
    dossiers={"03706/2026/07906": (HN_PERSON, None)},
)


def test_a_file_name_is_the_province_of_what_is_on_record_under_it_and_no_other_may_take_it() -> None:
    assert owner_of([]) is None and owner_of(["40"]) == "40" and owner_of([None]) == "00"
    assert not name_taken(None, "01") and not name_taken("40", "40")
    assert name_taken("40", "01") and name_taken("40", None) and name_taken("00", "40")


def test_national_files_write_across_provinces() -> None:
    row = {"ss_code": HN_PERSON, "full_name": "X", "date_of_birth": "1990-01-01", "province_code": "01"}
    for province in (None, "00"):
        assert refusal("people", row, province, KNOWN) is None
        assert refusal("payments", {"payment_id": "P", "unit_code": "NOWHERE1"}, province, KNOWN) is None


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        # another province's person, moved or not
        ("people", {"ss_code": HN_PERSON, "phone": "+84912000999"}, Refusal("ss_code", OTHER_PROVINCE)),
        ("people", {"ss_code": NA_PERSON, "province_code": "01"}, Refusal("province_code", OTHER_PROVINCE)),
        # a new person said to be of another province; one whose unit is another province's
        ("people", {"ss_code": NOWHERE_PERSON, "province_code": "01"}, Refusal("province_code", OTHER_PROVINCE)),
        ("people", {"ss_code": NOWHERE_PERSON, "unit_code": "HN0003C"}, Refusal("unit_code", OTHER_PROVINCE)),
        ("people", {"ss_code": NOWHERE_PERSON, "unit_code": "NOWHERE1"}, Refusal("unit_code", UNKNOWN_UNIT)),
        # a person of no province of their own is their unit's
        ("voluntary", {"ss_code": "4000000001"}, Refusal("ss_code", OTHER_PROVINCE)),
        ("employers", {"unit_code": "HN0003C", "name": "X"}, Refusal("unit_code", OTHER_PROVINCE)),
        ("employers", {"unit_code": "NEW0001", "province_code": "01"}, Refusal("province_code", OTHER_PROVINCE)),
        ("payments", {"payment_id": "P", "unit_code": "HN0003C"}, Refusal("unit_code", OTHER_PROVINCE)),
        ("arrears", {"unit_code": "NOWHERE1"}, Refusal("unit_code", UNKNOWN_UNIT)),
        ("history", {"ss_code": NA_PERSON, "unit_code": "HN0003C"}, Refusal("unit_code", OTHER_PROVINCE)),
        ("declarations", {"ss_code": HN_PERSON, "unit_code": "NA0001A"}, Refusal("ss_code", OTHER_PROVINCE)),
        ("benefits", {"ss_code": NOWHERE_PERSON}, Refusal("ss_code", UNKNOWN_PERSON)),
        # a card's own province digits, and its holder's
        ("hi_cards", {"card_no": "GD440" + NA_PERSON, "ss_code": NA_PERSON}, None),
        (
            "hi_cards",
            {"card_no": "GD401" + NOWHERE_PERSON, "ss_code": NOWHERE_PERSON},
            Refusal("card_no", OTHER_PROVINCE),
        ),
        ("hi_claims", {"card_no": "GD440" + HN_PERSON}, Refusal("card_no", OTHER_PROVINCE)),
        # a dossier about another province's person, by its row or by the row on record
        ("dossiers", {"dossier_no": "X1", "ss_code": HN_PERSON}, Refusal("ss_code", OTHER_PROVINCE)),
        ("dossiers", {"dossier_no": "03706/2026/07906", "status": "completed"}, Refusal("dossier_no", OTHER_PROVINCE)),
    ],
)
def test_a_provincial_file_is_refused_rows_about_another_province_or_not_on_record(kind, values, expected) -> None:
    assert refusal(kind, values, "40", KNOWN) == expected


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("people", {"ss_code": NA_PERSON, "phone": "+84912000999"}),
        ("people", {"ss_code": NOWHERE_PERSON, "province_code": "40", "unit_code": "NA0001A"}),
        ("people", {"ss_code": NOWHERE_PERSON}),  # new, no province: it becomes the file's (ingest fills it)
        ("employers", {"unit_code": "NEW0001", "name": "X"}),
        ("employers", {"unit_code": "OLD0001", "name": "X"}),  # on record with no province
        ("payments", {"payment_id": "P", "unit_code": "NA0001A"}),
        ("hi_cards", {"card_no": "GD440" + NOWHERE_PERSON, "ss_code": NOWHERE_PERSON}),  # placed by the card
        ("history", {"ss_code": NOWHERE_PERSON, "unit_code": "NA0001A"}),  # placed by the unit
        ("dossiers", {"dossier_no": "NEW/1", "status": "received"}),
    ],
)
def test_a_provincial_file_takes_rows_of_its_own_province(kind, values) -> None:
    assert refusal(kind, values, "40", KNOWN) is None


def test_every_reason_is_named_in_vietnamese_and_english() -> None:
    for language in ("vi", "en"):
        assert set(REASON_NAMES[language]) == set(REASONS)
