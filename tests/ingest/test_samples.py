"""The demo data `make run` loads: every kind, every row taken, and the notices flowing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import boto3

from chalicelib.domain import identifiers
from chalicelib.domain.phones import normalize_mobile
from local.stack.demo import sample_files, upload_samples
from tests.conftest import REGION, ROOT

SAMPLES = ROOT / "samples"


def rows(kind: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted((SAMPLES / kind).glob("*.csv")):
        with Path(path).open(encoding="utf-8", newline="") as f:
            out += list(csv.DictReader(f))
    return out


def test_there_are_samples_of_every_kind_and_they_agree_with_each_other() -> None:
    from chalicelib.ingest.kinds import KINDS

    assert {kind for kind, _ in sample_files(SAMPLES)} == set(KINDS)
    units = {r["unit_code"] for r in rows("employers")}
    people = {r["ss_code"]: r for r in rows("people")}
    assert len(people) == 50
    assert all(r["unit_code"] in units for r in people.values() if r["unit_code"])
    for card in rows("hi_cards"):
        assert identifiers.card_ss_code(card["card_no"]) == card["ss_code"] and card["ss_code"] in people
    for kind in ("history", "declarations", "voluntary"):
        assert all(r["ss_code"] in people for r in rows(kind))
    for phone in [r["phone"] for r in people.values() if r["phone"]] + [r["submitter_phone"] for r in rows("dossiers")]:
        normalize_mobile(phone)


def test_history_covers_two_years_and_follows_the_real_shares_of_the_salary() -> None:
    history = rows("history")
    assert len({r["period"] for r in history}) == 24
    for r in history:
        salary = int(r["salary_vnd"])
        assert int(r["si_vnd"]) == salary * 255 // 1000  # social 25.5% (employer 17.5 + employee 8)
        assert int(r["hi_vnd"]) == salary * 45 // 1000  # health 4.5% (3 + 1.5)
        assert int(r["ui_vnd"]) == salary * 2 // 100  # unemployment 2% (1 + 1)


def test_the_samples_cover_each_plan_each_dossier_state_and_both_kinds_of_card() -> None:
    assert {"TM", "GH", "GD", "GC", "KL", "OF", "TS", "DC", "SB"} <= {r["plan"] for r in rows("declarations")}
    assert {r["status"] for r in rows("dossiers")} == {"received", "processing", "completed", "returned"}
    assert {r["household"] for r in rows("hi_cards")} == {"Y", "N"}


def test_make_run_loads_every_sample_without_a_rejected_row_and_notices_go_out(pump, stack, svc, sent_sms) -> None:
    keys = upload_samples(boto3.client("s3", region_name=REGION), stack.bucket, SAMPLES)
    pump.run_until_idle()
    s3 = boto3.client("s3", region_name=REGION)

    for key in keys:
        kind, name = key.split("/")[1:]
        report = json.loads(s3.get_object(Bucket=stack.bucket, Key=f"reports/{kind}/{name[:-4]}.json")["Body"].read())
        assert (report["status"], report["rejected"]) == ("done", 0), (key, report["errors"][:3])
        assert report["accepted"] == len(rows(kind)) or kind == "dossiers"
    assert svc.tables.people.count() == 50
    assert svc.tables.history.count() == len(rows("history"))
    dossiers = {r["dossier_no"] for r in rows("dossiers")}
    kinds = ("payments", "declarations", "hi_cards", "voluntary", "arrears", "benefits", "hi_claims")
    facts = sum(len(rows(k)) for k in kinds)
    assert svc.tables.ledger.count() == facts + len(dossiers)
    assert "+84912345678" in {s.phone for s in sent_sms()}  # TZH490L's payment reached its representative
