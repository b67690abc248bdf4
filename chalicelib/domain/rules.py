"""decide(old, new): from a ledger record's two images to the notices it calls for.

Pure: the images are plain dicts (as the stream gives them, deserialised), nothing is looked up.
A MODIFY that does not change what a notice is about decides nothing; the dedupe key makes a
repeated decision harmless anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.domain.identifiers import card_ss_code
from chalicelib.domain.notices import Notice, Recipient

Image = Mapping[str, Any]


def decide(old: Image | None, new: Image | None) -> list[Notice]:
    """Zero or more notices for a change of one ledger record."""
    if new is None:
        return []
    rule = _RULES.get(str(new.get("kind", "")))
    return rule(old, new) if rule else []


def _told_once(old: Image | None, notice: Notice) -> list[Notice]:
    """A fact told when it arrives (a payment, a benefit, a settled visit): corrections are not news."""
    return [] if old is not None else [notice]


def _payment(old: Image | None, new: Image) -> list[Notice]:
    params = {
        "unit_code": str(new["unit_code"]),
        "amount_vnd": str(int(new["amount_vnd"])),
        "paid_on": str(new["paid_on"]),
    }
    to = Recipient("employer", str(new["unit_code"]))
    return _told_once(old, Notice("payment_received", f"payment_received#{new['payment_id']}", to, params))


# D02 plan codes (phương án) the contract names; every other code is accepted and tells nothing.
STOP_PLANS = frozenset({"GH", "GD", "GC"})
PAUSE_PLANS = frozenset({"KL", "OF", "TS"})
REDUCE_PLANS = frozenset({"DC", "SB"})


def _declaration_notice(image: Image) -> Notice | None:
    plan = str(image.get("plan", "")).upper()
    unit, month = str(image["unit_code"]), str(image["effective_period"])
    params = {"unit_code": unit, "month": month}
    if plan in STOP_PLANS:
        template = "contribution_stopped"
    elif plan in PAUSE_PLANS:
        template = "contribution_paused"
        params["plan"] = plan
    elif plan in REDUCE_PLANS:
        salary, previous = image.get("salary_vnd"), image.get("previous_salary_vnd")
        if salary is None or previous is None or int(salary) >= int(previous):
            return None
        template = "contribution_reduced"
        params["salary_vnd"] = str(int(salary))
    else:
        return None
    return Notice(
        template=template,
        dedupe_key=f"{template}#{image['declaration_id']}",
        recipient=Recipient("person", str(image["ss_code"])),
        params=params,
    )


def _declaration(old: Image | None, new: Image) -> list[Notice]:
    notice = _declaration_notice(new)
    if notice is None or (old is not None and _declaration_notice(old) == notice):
        return []  # nothing to tell, or a re-upload that changes nothing the notice says
    return [notice]


DOSSIER_DONE = {"completed": "dossier_completed", "returned": "dossier_returned"}


def _dossier(old: Image | None, new: Image) -> list[Notice]:
    number = str(new["dossier_no"])
    to = Recipient("phone", str(new["submitter_phone"]))
    status = str(new.get("status", ""))
    old_status = str(old.get("status", "")) if old is not None else None
    notices: list[Notice] = []
    if old is None and status not in DOSSIER_DONE:
        params = {"dossier_no": number}
        if new.get("appointment_on"):
            params["appointment_on"] = str(new["appointment_on"])
        notices.append(Notice("dossier_received", f"dossier_received#{number}", to, params))
    if status in DOSSIER_DONE and status != old_status:
        template = DOSSIER_DONE[status]
        params = {"dossier_no": number}
        if template == "dossier_returned":
            params["note"] = str(new.get("note") or "")
        notices.append(Notice(template, f"{template}#{number}", to, params))
    return notices


def _benefit(old: Image | None, new: Image) -> list[Notice]:
    params = {"benefit": str(new["benefit"]), "amount_vnd": str(int(new["amount_vnd"])), "paid_on": str(new["paid_on"])}
    to = Recipient("person", str(new["ss_code"]))
    return _told_once(old, Notice("benefit_paid", f"benefit_paid#{new['benefit_id']}", to, params))


def _hi_claim(old: Image | None, new: Image) -> list[Notice]:
    """The card holder hears of each settled visit: one they never made is fraud they can report."""
    params = {
        "facility": str(new["facility"]),
        "visit_on": str(new["visit_on"]),
        "fund_paid_vnd": str(int(new["fund_paid_vnd"])),
    }
    to = Recipient("person", card_ss_code(str(new["card_no"])))
    return _told_once(old, Notice("hi_claim_settled", f"hi_claim_settled#{new['claim_id']}", to, params))


def _phone_change(old: Image | None, new: Image) -> list[Notice]:
    """The old phone is told that the registered phone moved (CONTRACT: `phone_changed`)."""
    if old is not None or not new.get("old_phone"):
        return []
    return [
        Notice(
            template="phone_changed",
            dedupe_key=f"phone_changed#{str(new['pk']).split('#', 1)[1]}",
            recipient=Recipient("phone", str(new["old_phone"])),
            params={"new_phone": str(new.get("new_phone") or ""), "changed_on": str(new["changed_on"])},
        )
    ]


def _told_by_reminders(old: Image | None, new: Image) -> list[Notice]:
    """Cards, voluntary plans and arrears are told by the daily 08:00 job (domain/reminders.py)."""
    return []


_RULES: dict[str, Callable[[Image | None, Image], list[Notice]]] = {
    "payment": _payment,
    "declaration": _declaration,
    "dossier": _dossier,
    "hi_card": _told_by_reminders,
    "voluntary": _told_by_reminders,
    "arrears": _told_by_reminders,
    "benefit": _benefit,
    "hi_claim": _hi_claim,
    "phone_change": _phone_change,
}
