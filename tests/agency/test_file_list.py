"""The console's file list and a file's page answer the contract's `status` and, beside it, the
`shown_status` and `actions` the console shows: a paused or stopped batch file keeps its stored
status, is told apart in `shown_status`, and offers only the buttons left; `?status=` takes either."""

from __future__ import annotations

import jsonschema

from chalicelib.agency.openapi import PATHS
from chalicelib.store.batches import add_unsent, unsent
from tests.agency import test_batch_control

FILE = test_batch_control.FILE
sending = test_batch_control.sending  # its fixture: a 25-SMS file clicked midway through its sending

NONE_LEFT = {"release": False, "approve": False, "cancel": False, "pause": False, "resume": False, "stop": False}


def _row(api, token: str, query: str = "") -> list[dict]:
    return [f for f in api.get(f"/v1/agency/files{query}", token).body["files"] if f["file"] == FILE]


def test_a_paused_file_keeps_its_contract_status_and_is_shown_paused_with_resume_and_stop(sending, api, pump) -> None:
    assert sending("pause").status == 200
    pump.run_until_idle()
    [row] = _row(api, sending.token)
    assert (row["status"], row["shown_status"]) == ("done", "paused")
    assert row["actions"] == {**NONE_LEFT, "resume": True, "stop": True}
    page = api.get("/v1/agency/files/payments/big", sending.token).body
    assert (page["status"], page["shown_status"], page["actions"]) == ("done", "paused", row["actions"])
    assert _row(api, sending.token, "?status=paused") == [row]
    assert _row(api, sending.token, "?status=done") == [row]  # the contract's status still finds it
    assert _row(api, sending.token, "?status=running") == []


def test_a_stopped_file_is_shown_stopped_with_no_button(sending, api, pump) -> None:
    assert sending("stop").status == 200
    pump.run_until_idle()
    [row] = _row(api, sending.token)
    assert (row["status"], row["shown_status"], row["actions"]) == ("done", "stopped", NONE_LEFT)
    page = api.get("/v1/agency/files/payments/big", sending.token).body
    assert (page["shown_status"], page["actions"]) == ("stopped", NONE_LEFT)
    assert _row(api, sending.token, "?status=stopped") == [row]
    assert _row(api, sending.token, "?status=paused") == []


def test_the_list_and_the_file_answer_as_the_openapi_description_says(sending, api, pump) -> None:
    assert sending("pause").status == 200
    pump.run_until_idle()
    listed = PATHS["/v1/agency/files"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    one = PATHS["/v1/agency/files/{kind}/{name}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = api.get("/v1/agency/files", sending.token).body
    jsonschema.validate(body, listed)
    jsonschema.validate(api.get("/v1/agency/files/payments/big", sending.token).body, one)
    assert {f["shown_status"] for f in body["files"]} == {"paused"}
    with_other = {**body["files"][0], "status": "paused"}  # the contract's status never takes a shown one
    assert not jsonschema.Draft202012Validator(one).is_valid(with_other)


def test_a_files_page_offers_only_what_its_routes_accept_and_still_counts_its_notices_exactly(
    sending, api, pump, console
) -> None:
    assert sending("pause").status == 200
    pump.run_until_idle()
    page = api.get("/v1/agency/files/payments/big", sending.token).body
    left = sum(n for status, n in page["batch"]["counts"].items() if status in ("created", "held", "sending"))
    assert left > 0 and page["actions"]["stop"]
    add_unsent(console.tables, {page["batch"]["key"]: -unsent(console.tables, page["batch"]["key"])})  # a lagging tally
    [row] = _row(api, sending.token)
    page = api.get("/v1/agency/files/payments/big", sending.token).body
    assert row["actions"] == page["actions"] == {**NONE_LEFT, "resume": True}  # the stop route would say 409
    assert api.post("/v1/agency/files/payments/big/stop", token=sending.token).status == 409
    assert sum(n for status, n in page["batch"]["counts"].items() if status in ("created", "held", "sending")) == left
