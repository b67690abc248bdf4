"""Free text sent by SMS carries no link but to the agency's own domain (CONTRACT, "Free text"):
schemes, `www.`, bare domains and their usual disguises are found; ordinary Vietnamese notes,
money, dates and dossier numbers are not links."""

from __future__ import annotations

import pytest

from chalicelib.domain.links import foreign_links, is_agency_host, normalised


@pytest.mark.parametrize(
    ("note", "link"),
    [
        ("Xac minh tai https://bhxh-xacminh.com/login", "bhxh-xacminh.com"),
        ("Vao http://1.2.3.4/nop", "1.2.3.4"),
        ("Vao HTTP://EVIL.COM ngay", "evil.com"),
        ("Bo sung tai www.dichvu-bhxh.net", "www.dichvu-bhxh.net"),
        ("Nhan tien: bit.ly/3xYz", "bit.ly"),
        ("Xem t.co/abc", "t.co"),
        ("Lien he hoso-bhxh.vn de nop lai", "hoso-bhxh.vn"),
        ("Gui giay to qua bhxh.hoso@gmail.com", "gmail.com"),
        ("hxxps://evil.example.com/x", "evil.example.com"),
        ("https:/ /evil.com", "evil.com"),
        ("Vao bit[.]ly/abc", "bit.ly"),
        ("Vao bit(.)ly/abc", "bit.ly"),
        ("Vao bit [dot] ly/abc", "bit.ly"),
        ("Vao bit dot ly/abc", "bit.ly"),
        ("Vào bit chấm ly/abc", "bit.ly"),
        ("Vao ｂｉｔ．ｌｙ/abc", "bit.ly"),  # full-width letters and dot
        ("Vao bit。ly/abc", "bit.ly"),  # the ideographic full stop
        ("Vao bit\u200b.ly/abc", "bit.ly"),  # a zero-width space inside
        ("https://baohiemxahoi.gov.vn@evil.com/", "evil.com"),  # the agency's name as a user, the host another
        ("https://baohiemxahoi.gov.vn.evil.com/", "baohiemxahoi.gov.vn.evil.com"),
        ("https://fakebaohiemxahoi.gov.vn/", "fakebaohiemxahoi.gov.vn"),
        ("Xem bаohiemxahoi.gov.vn", "bаohiemxahoi.gov.vn"),  # a Cyrillic а: not the agency's domain
        ("Tai app.xyz", "app.xyz"),
        ("Xem xn--bhxh-9na.com", "xn--bhxh-9na.com"),
    ],
)
def test_a_link_anywhere_but_the_agencys_domain_is_found(note: str, link: str) -> None:
    assert link in foreign_links(note)


@pytest.mark.parametrize(
    "note",
    [
        "Thieu giay chung nhan nghi viec huong BHXH; bo sung ban goc.",
        "Ho so 04486.G/2020/08708 tra lai ngay 05.12.2026, so tien 12.500.000 dong.",
        "Nop tai TP.HCM, Q.1 (v.v.) truoc 17h.",
        "Tra cuu tai https://baohiemxahoi.gov.vn/tracuu",
        "Dich vu cong: dichvucong.baohiemxahoi.gov.vn hoac www.baohiemxahoi.gov.vn",
        "Ho so.To khai thieu chu ky",  # a missing space: `so.to` is Vietnamese, not Somalia's Tonga
        "Bang cham cong thang 11 chua co.",
        "Gui lai file bang_ke.csv va anh.jpg",
        "",
    ],
)
def test_ordinary_notes_and_the_agencys_own_links_pass(note: str) -> None:
    assert foreign_links(note) == []


def test_the_agencys_domain_and_its_subdomains_only() -> None:
    assert is_agency_host("baohiemxahoi.gov.vn") and is_agency_host("DichVuCong.BaoHiemXaHoi.gov.vn.")
    assert not is_agency_host("baohiemxahoi.gov.vn.evil.com") and not is_agency_host("xbaohiemxahoi.gov.vn")


def test_disguises_are_undone_before_looking() -> None:
    assert normalised("Bit [ . ] LY") == "bit.ly"
    assert normalised("ｗｗｗ．ｅｖｉｌ．ｃｏｍ") == "www.evil.com"
