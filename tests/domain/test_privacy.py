import pytest

from chalicelib.domain.privacy import contains_personal, mask_personal


@pytest.mark.parametrize(
    "personal",
    ["+84912345678", "84912345678", "0912345678", "0110129425", "HC4010110129425", "001203004567"],
)
def test_phones_codes_cards_and_id_numbers_are_masked_wherever_they_stand(personal: str) -> None:
    line = f'{{"message": "x", "value": "{personal}", "note": "about {personal}."}}'
    masked = mask_personal(line)
    assert personal not in masked
    assert contains_personal(line)


def test_ids_that_are_not_personal_pass_unmasked() -> None:
    line = '{"dedupe_key": "payment_received#PT-2026-11-0001", "rows": 1200, "unit_code": "TZH490L"}'
    assert mask_personal(line) == line
