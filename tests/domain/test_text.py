from chalicelib.domain.text import count_segments, strip_diacritics


def test_every_vietnamese_letter_loses_its_marks_and_d_bar_becomes_d() -> None:
    assert strip_diacritics("Nghệ An, Đắk Lắk, Thừa Thiên Huế, đồng") == "Nghe An, Dak Lak, Thua Thien Hue, dong"
    assert strip_diacritics("ẶẸỆỘỢỰỴ ặẹệộợựỵ") == "AEEOOUY aeeoouy"


def test_gsm7_text_fits_160_characters_in_one_segment_and_153_when_joined() -> None:
    assert count_segments("a" * 160).count == 1
    assert count_segments("a" * 161).count == 2
    assert count_segments("a" * 306).count == 2
    assert count_segments("a" * 307).count == 3


def test_extended_gsm7_characters_count_twice() -> None:
    seg = count_segments("€" * 80)
    assert (seg.encoding, seg.units, seg.count) == ("GSM-7", 160, 1)
    assert count_segments("€" * 81).count == 2


def test_text_with_diacritics_is_ucs2_at_70_then_67() -> None:
    assert count_segments("ệ" * 70).count == 1
    assert count_segments("ệ" * 71).count == 2
    assert count_segments("ệ" * 71).encoding == "UCS-2"
