"""Links in free text the service sends by SMS (CONTRACT, "Free text"): none but on the agency's own
domain. A dossier note is written by staff and sent as it is to the phones in the file: a link in it
is the classic phishing lure, so a row whose note names any other site is refused (`url_in_note`).

What counts as a link is what a phone would make tappable or a reader would type: a scheme
(`https://`, `hxxp://`), `www.`, an IPv4 address with a path or port, and a bare domain
(`bit.ly/x`, `vietcombank-xacminh.com`) under a top-level domain people are lured with. The usual
disguises are undone first: full-width letters and dots (NFKC), invisible characters, `[.]`, `(.)`,
`[dot]`, ` dot `, ` chấm `. Pure: text in, the offending links out.
"""

from __future__ import annotations

import re
import unicodedata

from chalicelib.domain.text import strip_diacritics

AGENCY_DOMAINS = ("baohiemxahoi.gov.vn",)  # and their subdomains (dichvucong.baohiemxahoi.gov.vn)

# Top-level domains a bare `name.tld` is read as a link under: the generic ones and those
# shorteners and lures use. Two-letter words common in Vietnamese without diacritics (`la`, `so`,
# `to`, `ba`, `an`…) are left out, so that `ho so.To khai` (a missing space) is not a link; with a
# scheme or `www.` any domain is one.
_GENERIC = "com net org info biz edu gov int mil name pro mobi asia tel app dev page site online website web link"
_LURES = "click top xyz club shop store vip live life world today news blog icu buzz fun win bid loan work space"
_MORE = "tech cloud host email digital one art best cool plus run ink lol wtf zip mov xxx"
_COUNTRIES = "vn ly co me io gl gd cc tk ml ga cf gq ws tv ai us uk ru cn kr jp sg th kh hk tw fr de eu su pw fm"
_COUNTRIES_TOO = "im nu ph id my"
TLDS = frozenset(f"{_GENERIC} {_LURES} {_MORE} {_COUNTRIES} {_COUNTRIES_TOO}".split())

_INVISIBLE = re.compile(r"[\u00ad\u034f\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)`, ` dot `, ` cham ` (chấm), each with any spaces around
_DOT = re.compile(r"\s*(?:[\[\(\{]\s*(?:\.|dot|cham)\s*[\]\)\}]|\s(?:dot|cham)\s)\s*", re.IGNORECASE)
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"  # any script: a look-alike letter keeps the label whole
_HOST = rf"(?:{_LABEL}\.)+{_LABEL}"
_SCHEME_URL = re.compile(
    rf"\b[a-z][a-z0-9+.-]{{0,15}}\s*:\s*/\s*/\s*(?:[^\s/@?#]*@)?({_HOST}|\[[0-9a-f:.]+\])", re.IGNORECASE
)
_WWW = re.compile(rf"(?<![\w.-])(www\d?\.{_HOST})", re.IGNORECASE)
_BARE = re.compile(rf"(?<![\w.-])({_HOST})(?![\w-])", re.IGNORECASE)  # an e-mail's domain too
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?=[:/])")


def normalised(text: str) -> str:
    """The text as a phone would show a link in it: NFKC (full-width `ｂｉｔ．ｌｙ` is `bit.ly`), the
    ideographic full stops as dots, invisible characters removed, spelled-out dots as dots,
    diacritics off (`chấm`), lower case."""
    folded = unicodedata.normalize("NFKC", text).replace("\u3002", ".").replace("\uff61", ".")
    folded = strip_diacritics(_INVISIBLE.sub("", folded)).lower()
    return _DOT.sub(".", folded)


def is_agency_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in AGENCY_DOMAINS)


def foreign_links(text: str) -> list[str]:
    """Each link in `text` to anywhere but the agency's own domains, as it reads once undisguised
    (empty when there is none)."""
    plain = normalised(text)
    found: list[str] = []
    for match in _SCHEME_URL.finditer(plain):
        found.append(match.group(1))
    for match in _WWW.finditer(plain):
        found.append(match.group(1))
    for match in _BARE.finditer(plain):
        host = match.group(1)
        if host.rsplit(".", 1)[-1] in TLDS or host.rsplit(".", 1)[-1].startswith("xn--"):
            found.append(host)
    found.extend(match.group(1) for match in _IPV4.finditer(plain))
    return list(dict.fromkeys(host for host in found if not is_agency_host(host)))
