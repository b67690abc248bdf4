"""What a rule decides: a notice about one fact, to one recipient, told at most once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RecipientKind = Literal["employer", "person", "phone", "unit_employees"]


@dataclass(frozen=True)
class Recipient:
    """Who to tell, resolved to a phone later: an employer's representative, a person, a number, or
    every employee of a unit (`unit_employees`, ref = unit_code), expanded by the outbox."""

    kind: RecipientKind
    ref: str


@dataclass(frozen=True)
class Notice:
    """`dedupe_key` names the fact, so a second sight of the same fact is the same notice."""

    template: str
    dedupe_key: str
    recipient: Recipient
    params: dict[str, str] = field(default_factory=dict)
    urgent: bool = False  # OTPs and query replies: never held by quiet hours, sent despite opt-out
