"""No leaks: a token reaches only its own person; expired or altered tokens are refused; no answer
or log line carries another person's data; timing does not tell a known code from an unknown one."""

from __future__ import annotations

import base64
import json
import statistics
import time

import jwt
import pytest

from tests.api.conftest import ANNA, BINH

UNKNOWN = "0999999999"
PERSONAL_ROUTES = ["/v1/me", "/v1/me/contributions", "/v1/me/hi-card", "/v1/me/voluntary"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_each_token_reads_only_its_own_person(api, people, sign_in) -> None:
    anna, binh = sign_in(ANNA), sign_in(BINH)
    assert api.get("/v1/me", anna).body["ss_code"] == ANNA
    assert api.get("/v1/me", binh).body["ss_code"] == BINH
    assert {m["unit_code"] for m in api.get("/v1/me/contributions", binh).body["months"]} == {"YN0123A"}
    assert len(api.get("/v1/me/contributions", anna).body["months"]) == 12
    assert api.get("/v1/me/hi-card", binh).status == 404  # Anna's card is not Binh's to see
    assert api.get("/v1/me/voluntary", binh).status == 404


@pytest.mark.parametrize("path", PERSONAL_ROUTES)
def test_naming_another_person_in_the_query_changes_nothing(api, people, sign_in, path) -> None:
    binh = sign_in(BINH)
    own = api.get(path, binh)
    for trick in (f"?ss_code={ANNA}", f"?sub={ANNA}&ss_code={ANNA}"):
        assert api.get(path + trick, binh).body == own.body


@pytest.mark.parametrize("path", PERSONAL_ROUTES)
def test_personal_routes_need_a_token(api, people, path) -> None:
    for header in (None, "", "Basic YWJjOmRlZg==", "Bearer", "Bearer not-a-token"):
        headers = {} if header is None else {"Authorization": header}
        answer = api._answer(api.client.http.get(path, headers=headers))
        assert answer.status == 401 and answer.body["error"]["code"] == "unauthorized"
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_a_token_is_refused_once_15_minutes_have_passed(api, people, sign_in, clock) -> None:
    token = sign_in(ANNA)
    clock.advance(minutes=14, seconds=59)
    assert api.get("/v1/me", token).status == 200
    clock.advance(seconds=1)
    assert api.get("/v1/me", token).status == 401


def test_an_altered_token_is_refused(api, people, sign_in) -> None:
    token = sign_in(BINH)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    altered = {
        "another subject": f"{header}.{_b64({**claims, 'sub': ANNA})}.{signature}",
        "a later expiry": f"{header}.{_b64({**claims, 'exp': claims['exp'] + 86400})}.{signature}",
        "a changed signature": f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "no signature": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64({**claims, 'sub': ANNA})}.",
        "another key": jwt.encode({**claims, "sub": ANNA}, "x" * 48, algorithm="HS256"),
    }
    for what, forged in altered.items():
        assert api.get("/v1/me", forged).status == 401, what


def test_no_answer_carries_another_persons_data(api, people, sign_in) -> None:
    """(No log line carries anyone's: tests/test_log_privacy.py, with these lookups among its flows.)"""
    anna = sign_in(ANNA)
    answers = [api.get(path, anna).body for path in PERSONAL_ROUTES]
    answers.append(api.get("/v1/dossiers?no=03706/2026/07906").body)
    text = json.dumps(answers, ensure_ascii=False)
    for secret in (BINH, "Trần Văn Bình", "+84983456789", "983456789", "YN0123A"):
        assert secret not in text
    # nothing personal in a dossier's answer either, though the dossier is Anna's
    for secret in (ANNA, "+84912345678", "nộp thay"):
        assert secret not in json.dumps(answers[-1], ensure_ascii=False)


def test_timing_does_not_tell_a_known_code_from_an_unknown_one(api, people, clock) -> None:
    """Medians over many interleaved runs within a generous factor: loose by design, never flaky;
    the deterministic half (the same DynamoDB operations on both paths) is in test_otp.py."""
    known, unknown = [], []
    for round_no in range(40):
        clock.advance(hours=1)  # a fresh rate window each round
        for code, times in ((ANNA, known), (UNKNOWN, unknown)) if round_no % 2 else ((UNKNOWN, unknown), (ANNA, known)):
            started = time.perf_counter()
            assert api.post("/v1/otp", {"ss_code": code}).status == 202
            times.append(time.perf_counter() - started)
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 1 / 2 < ratio < 2, ratio
