"""Every route answers an ApiError the one way (web/errors.py): its status, the contract's shape."""

from __future__ import annotations

import json

from chalicelib.web.errors import ApiError, conflict, error_response, too_many


def test_an_error_answers_its_status_in_the_contract_s_shape_with_the_route_s_headers_and_its_own() -> None:
    response = error_response(too_many(30), {"Cache-Control": "no-store"})
    assert response.status_code == 429
    assert response.headers == {"Content-Type": "application/json", "Cache-Control": "no-store", "Retry-After": "30"}
    error = response.body["error"]
    assert error["code"] == "too_many_requests" and error["message"] == "too many requests: try again in 30 s"
    assert set(error["messages"]) == {"vi", "en"} and error["messages"]["vi"] != error["messages"]["en"]


def test_an_error_s_own_header_wins_over_a_route_s_of_the_same_name() -> None:
    response = error_response(
        ApiError(401, "unauthorized", "sign in", {"Cache-Control": "private"}), {"Cache-Control": "no-store"}
    )
    assert response.headers["Cache-Control"] == "private"


def test_a_conflict_is_a_409_named_conflict() -> None:
    error = conflict("the file was already released")
    assert (error.status, error.code) == (409, "conflict")
    assert json.loads(json.dumps(error.body()))["error"]["message"] == "the file was already released"
