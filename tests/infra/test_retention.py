"""CONTRACT's retention, read from the packaged template: raw uploads and errors CSVs 90 days,
cancelled staged files 7 days, noncurrent versions too, the audit trail five years by TTL."""

from __future__ import annotations

from typing import Any

from chalicelib.ingest.report import ERRORS_CSV_TAGS


def _rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    bucket = template["Resources"]["IngestBucket"]["Properties"]
    return {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}


def test_raw_uploads_go_after_90_days_and_their_replaced_versions_a_week_after(template) -> None:
    rule = _rules(template)["raw-uploads"]
    assert (rule["Status"], rule["Prefix"], rule["ExpirationInDays"]) == ("Enabled", "incoming/", 90)
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}


def test_a_cancelled_staged_file_is_kept_7_days_and_a_forgotten_one_90(template) -> None:
    rule = _rules(template)["staged-files"]
    assert (rule["Status"], rule["Prefix"], rule["ExpirationInDays"]) == ("Enabled", "staged/", 90)
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}  # cancel deletes it: noncurrent


def test_errors_csvs_are_told_by_the_tag_the_ingest_gives_them_and_go_after_90_days(template) -> None:
    rule = _rules(template)["errors-csvs"]
    key, value = ERRORS_CSV_TAGS.split("=")
    assert (rule["Status"], rule["Prefix"], rule["TagFilters"]) == (
        "Enabled",
        "reports/",
        [{"Key": key, "Value": value}],
    )
    assert rule["ExpirationInDays"] == 90 and rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}


def test_no_rule_expires_reports_or_daily_figures_untagged(template) -> None:
    for rule in _rules(template).values():
        if "ExpirationInDays" in rule and str(rule.get("Prefix", "")).startswith("reports"):
            assert rule.get("TagFilters"), rule["Id"]
    assert _rules(template)["abandoned-uploads"]["ExpiredObjectDeleteMarker"] is True


def test_the_audit_trail_is_kept_by_a_ttl_on_its_items(template) -> None:
    table = template["Resources"]["AuditTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
