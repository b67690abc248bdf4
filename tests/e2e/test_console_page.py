"""The agency console in real headless Chromium (Debian's, through Playwright) against the running
local stack, signed in to moto's Cognito: uploader.na checks a payments file with two bad rows, sees
them and the preview, releases it and watches its SMS go; then pauses and stops a second file midway
with the counts right. Hà Nội's uploader cannot see or touch Nghệ An's files, a viewer cannot upload,
no token or a forged one is a 401, and the page passes axe-core with no serious violation."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.domain.clock import ICT
from local.stack.staff import PASSWORD
from tests.e2e.conftest import ROOT, RunningStack, running_stack, wait_for
from tests.e2e.test_lookup_page import ARGS

SCREENSHOTS = ROOT / "build" / "screenshots"
SMS_PER_SECOND = "4"  # slow enough to click pause while a file of 40 is being sent
BIG = 200  # more than the local bulk lane claims at once (BULK_SENDERS 8 x BatchSize 10): some are left to pause

UNITS = "unit_code,name,rep_phone,province_code\n" + "".join(
    f"NA{n:04d}X,Công ty {n},0912{n:06d},40\n" for n in range(1, BIG + 1)
)
CHECKED = (
    "payment_id,unit_code,paid_on,amount_vnd,period\n"
    "PT-A1,NA0001X,2026-11-05,12500000,2026-10\n"
    'PT-A2,NA0002X,2026-11-06,"12,5",2026-10\n'
    "PT-A3,NA0003X,2026-11-06,8000000,2026-10\n"
    "PT-A4,NA0004X,31/02/2026,8000000,2026-10\n"
    "PT-A5,NA0005X,2026-11-07,9100000,2026-10\n"
)
BIG_FILE = "payment_id,unit_code,paid_on,amount_vnd\n" + "".join(
    f"PT-B{n:03d},NA{n:04d}X,2026-11-07,{n}000000\n" for n in range(1, BIG + 1)
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("console-state"), SMS_PER_SECOND=SMS_PER_SECOND) as running:
        tomorrow_ten = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        running.set_clock(tomorrow_ten.isoformat())  # daytime on the stack's clock: nothing held
        running.client("s3").put_object(
            Bucket="bhxh-local-ingest", Key="incoming/employers/units.csv", Body=UNITS.encode()
        )
        yield running


@pytest.fixture(scope="module")
def chromium() -> Path:
    from tests.e2e.test_lookup_page import chromium as lookup_chromium

    return lookup_chromium.__wrapped__()


@pytest.fixture
def browser(chromium: Path, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},  # a laptop
            locale="vi-VN",
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


ACCESS: dict[str, str] = {}  # each ID token `_token` got: its sign-in's access token


def _call(stack: RunningStack, method: str, path: str, token: str | None = None, body: dict | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
        if token in ACCESS:
            headers["X-Access-Token"] = ACCESS[token]
    data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
    request = urllib.request.Request(f"{stack.api}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def _post_file(upload: dict, text: str) -> int:
    """The multipart POST straight to S3 (moto) that the page's browser makes with the upload's answer."""
    boundary = uuid.uuid4().hex
    fields = [(k, None, v.encode()) for k, v in upload["fields"].items()] + [("file", "f.csv", text.encode())]
    body = b""
    for name, filename, value in fields:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    with urllib.request.urlopen(
        urllib.request.Request(upload["url"], data=body, headers=headers), timeout=10
    ) as answer:
        return answer.status


def _token(stack: RunningStack, username: str) -> str:
    config = json.load(urllib.request.urlopen(f"{stack.api}/console/config.json", timeout=5))
    answer = stack.client("cognito-idp").initiate_auth(
        ClientId=config["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    tokens = answer["AuthenticationResult"]
    ACCESS[tokens["IdToken"]] = tokens["AccessToken"]  # sent beside it, as the page does
    return tokens["IdToken"]


def _axe(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)


def _sign_in(page, stack: RunningStack, username: str) -> None:
    page.goto(f"{stack.api}/console/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("#files-section:not([hidden])")


def _sms_to(stack: RunningStack, phones: set[str]) -> list[dict]:
    return [m for m in stack.sms() if m["phone_number"] in phones]


def _counts(page) -> dict[str, int]:
    rows = page.eval_on_selector_all(
        "#batch-counts tbody tr", "rows => rows.map(r => [r.dataset.status, r.cells[1].textContent])"
    )
    return {status: int(n) for status, n in rows}


def test_an_uploader_checks_a_file_sees_the_bad_rows_and_preview_releases_it_and_controls_a_batch(
    stack, browser, tmp_path
) -> None:
    wait_for(
        lambda: (
            stack.client("s3").list_objects_v2(Bucket="bhxh-local-ingest", Prefix="reports/employers/").get("KeyCount")
        ),
        "the employers' report",
    )
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.goto(f"{stack.api}/console/")
    assert page.locator("html").get_attribute("lang") == "vi"
    _axe(page, "sign-in")
    page.fill("#username", "uploader.na")
    page.fill("#password", "wrong-password-1A!")
    page.click("#sign-in")
    page.wait_for_selector("#signin-msg:not(:empty)")
    assert "Sai tên đăng nhập" in page.inner_text("#signin-msg")
    _sign_in(page, stack, "uploader.na")
    assert "uploader.na" in page.inner_text("#who") and "40" in page.inner_text("#who")

    # 1. check first: the two bad rows and the preview; nothing sent
    checked = tmp_path / "thang-11.csv"
    checked.write_text(CHECKED, encoding="utf-8")
    page.select_option("#upload-kind", "payments")
    page.set_input_files("#upload-file", str(checked))
    assert page.input_value("#upload-name") == "thang-11"
    page.check("#mode-check")
    page.click("#upload-submit")
    page.wait_for_selector("#preview:not([hidden])")
    assert page.inner_text("#detail-title") == "payments/thang-11"
    errors = page.eval_on_selector_all(
        "#errors tbody tr", "rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])"
    )
    assert errors == [["3", "amount_vnd"], ["5", "paid_on"]]
    reasons = page.eval_on_selector_all("#errors tbody tr", "rows => rows.map(r => r.cells[2].textContent)")
    assert reasons[0] == "Không phải số nguyên (số tiền ghi bằng đồng, không có phần lẻ). — not a whole number: '12,5'"
    assert (
        page.locator("#by-template tbody tr[data-template='payment_received']").inner_text().startswith("Đơn vị đã nộp")
    )
    assert page.inner_text("#preview-notices") == "3"
    assert page.inner_text("#preview-parts") == "3"
    assert page.inner_text("#preview-cost").startswith("0.12 USD")
    samples = page.eval_on_selector_all("#samples li", "items => items.map(i => i.textContent)")
    assert len(samples) == 3 and all(s.startswith("*******") for s in samples)
    assert any("12.500.000 dong" in s for s in samples)
    assert page.is_visible("#release") and page.is_visible("#cancel")
    assert _sms_to(stack, {"+84912000001", "+84912000003", "+84912000005"}) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-preview.png"), full_page=True)
    _axe(page, "a staged file's preview")

    # 2. release, by a double click: one request (the button is busy), the file taken once, its three SMS
    # go; the confirmation restates the preview's totals
    confirmations: list[str] = []
    page.once("dialog", lambda dialog: (confirmations.append(dialog.message), dialog.accept()))
    page.dblclick("#release")
    page.wait_for_function("() => document.querySelector('#detail-status').textContent === 'Xong'")
    assert page.get_attribute("#action-msg", "class") == "msg ok", page.inner_text("#action-msg")
    assert len(confirmations) == 1, confirmations
    assert all(words in confirmations[0] for words in ("3 tin nhắn", "3 phần SMS", "0.12 USD")), confirmations
    sent = wait_for(
        lambda: len(_sms_to(stack, {"+84912000001", "+84912000003", "+84912000005"})) == 3 or None, "the three SMS"
    )
    assert sent
    # the file's recipients: each notice with its status, the phone masked, the total said
    wait_for(lambda: (page.click("#rcp-search"), page.get_attribute("#rcp", "data-total") == "3")[1] or None, "3 rows")
    phones = page.eval_on_selector_all("#rcp tbody tr", "rows => rows.map(r => r.cells[7].textContent)")
    assert sorted(phones) == ["********001", "********003", "********005"]
    assert "1–3 trên 3" in page.inner_text("#rcp-caption")
    page.wait_for_function("() => document.querySelectorAll('#batch-counts tbody tr').length > 0")
    wait_for(
        lambda: (sum(_counts(page).values()) == 3 and set(_counts(page)) <= {"sent", "delivered"}) or None, "3 sent"
    )
    assert page.locator("#files tbody tr[data-file='incoming/payments/thang-11.csv']").count() == 1

    # 3. a second file, sent at once: paused midway, then stopped, the counts right
    big = tmp_path / "lon.csv"
    big.write_text(BIG_FILE, encoding="utf-8")
    page.set_input_files("#upload-file", str(big))
    page.check("#mode-send")
    page.click("#upload-submit")
    page.wait_for_function("() => document.querySelector('#detail-title').textContent === 'payments/lon'")
    page.wait_for_selector("#pause:not([hidden])")
    wait_for(
        lambda: sum(v for k, v in _counts(page).items() if k in ("sent", "delivered")) >= 3 or None,
        "a few SMS of the big file",
        60,
    )
    page.click("#pause")
    page.wait_for_function("() => document.querySelector('#action-msg').dataset.action === 'pause'")
    paused_text = page.inner_text("#action-msg")
    page.wait_for_selector("#resume:not([hidden])")
    # the SMS being sent when paused, and notices decide was still queuing: the sender holds each it reaches
    wait_for(lambda: not {"sending", "created"} & set(_counts(page)) or None, "the batch settled as paused")
    at_pause = _counts(page)
    told = at_pause.get("sent", 0) + at_pause.get("delivered", 0)
    assert 3 <= told < BIG and at_pause.get("held", 0) == BIG - told, (paused_text, at_pause)
    time.sleep(2)  # the stack's own sender running on: nothing more may go while paused
    later = _counts(page)
    assert later.get("sent", 0) + later.get("delivered", 0) == told and later.get("held") == BIG - told
    page.screenshot(path=str(SCREENSHOTS / "console-paused.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#stop")
    page.wait_for_function("() => document.querySelector('#action-msg').dataset.action === 'stop'")
    assert "Đã dừng hẳn" in page.inner_text("#action-msg")  # the state after, as the route answered at once
    # the paused batch's held notices are in no queue: the 15-minute job cancels them
    later_on = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=30, second=0, microsecond=0)
    stack.set_clock(later_on.isoformat())
    stopped = wait_for(lambda: (_counts(page).get("cancelled") == BIG - told and _counts(page)) or None, "the table")
    assert stopped.get("sent", 0) + stopped.get("delivered", 0) == told and "held" not in stopped
    big_phones = {f"+84912{n:06d}" for n in range(1, BIG + 1)} - {"+84912000001", "+84912000003", "+84912000005"}
    assert len(_sms_to(stack, big_phones | {"+84912000001", "+84912000003", "+84912000005"})) == told + 3
    assert page.is_hidden("#pause") and page.is_hidden("#resume")
    _axe(page, "a stopped batch")

    # the same console on a phone, in English
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_function("() => document.querySelector('#detail-status').textContent === 'Stopped for good'")
    page.screenshot(path=str(SCREENSHOTS / "console-phone-en.png"), full_page=True)
    _axe(page, "phone, English")


def test_another_province_a_viewer_and_forged_tokens_are_refused(stack) -> None:
    wait_for(
        lambda: (
            stack.client("s3").list_objects_v2(Bucket="bhxh-local-ingest", Prefix="reports/employers/").get("KeyCount")
        ),
        "the employers' report",
    )
    na = _token(stack, "uploader.na")
    status, upload = _call(
        stack, "POST", "/v1/agency/uploads", na, {"kind": "payments", "name": "na-only", "mode": "check"}
    )
    assert status == 201
    assert _post_file(upload, CHECKED) == 201
    wait_for(lambda: _call(stack, "GET", "/v1/agency/files/payments/na-only", na)[1].get("check") or None, "the check")

    hn = _token(stack, "uploader.hn")
    assert all(f["province_code"] == "01" for f in _call(stack, "GET", "/v1/agency/files", hn)[1]["files"])
    for method, path in [
        ("GET", "/v1/agency/files/payments/na-only"),
        ("GET", "/v1/agency/files/payments/na-only/errors"),
        ("POST", "/v1/agency/files/payments/na-only/release"),
        ("POST", "/v1/agency/files/payments/na-only/cancel"),
        ("POST", "/v1/agency/files/payments/thang-11/pause"),
        ("POST", "/v1/agency/files/payments/thang-11/stop"),
    ]:
        status, body = _call(stack, method, path, hn)
        assert status == 404, (path, status)  # as for a file that is not there: no answer tells it exists
        assert set(body) == {"error"}
    assert _call(stack, "GET", "/v1/agency/files/payments/na-only", hn)[0] == 404

    viewer = _token(stack, "viewer.na")
    status, body = _call(stack, "POST", "/v1/agency/uploads", viewer, {"kind": "payments", "name": "x"})
    assert status == 403 and body["error"]["code"] == "forbidden"
    assert _call(stack, "GET", "/v1/agency/files/payments/na-only", viewer)[0] == 200

    assert _call(stack, "GET", "/v1/agency/files")[0] == 401
    assert _call(stack, "POST", "/v1/agency/uploads", None, {"kind": "payments", "name": "x"})[0] == 401
    claims = jwt.decode(na, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        {**claims, "custom:province_code": "00"}, other_key, algorithm="RS256", headers={"kid": "dummy"}
    )
    status, body = _call(stack, "GET", "/v1/agency/files", forged)
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert _call(stack, "GET", "/v1/agency/files", "garbage")[0] == 401


def test_a_new_staff_member_sets_a_password_at_first_sign_in_and_a_viewer_sees_no_upload(stack, browser) -> None:
    config = json.load(urllib.request.urlopen(f"{stack.api}/console/config.json", timeout=5))
    idp = stack.client("cognito-idp")
    idp.admin_create_user(
        UserPoolId=config["user_pool_id"],
        Username="moi.na",
        TemporaryPassword="Tam-thoi-2026!x",
        UserAttributes=[{"Name": "custom:province_code", "Value": "40"}],
        MessageAction="SUPPRESS",
    )
    idp.admin_add_user_to_group(UserPoolId=config["user_pool_id"], Username="moi.na", GroupName="viewer")
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.goto(f"{stack.api}/console/")
    page.fill("#username", "moi.na")
    page.fill("#password", "Tam-thoi-2026!x")
    page.click("#sign-in")
    page.wait_for_selector("#new-password-box:not([hidden])")
    _axe(page, "first sign-in")
    page.fill("#new-password", "Moi-matkhau-2026!")
    page.click("#sign-in")
    page.wait_for_selector("#files-section:not([hidden])")
    assert page.is_hidden("#upload") and "viewer" in page.inner_text("#who")


def _enter_the_code_of_now(page, app) -> None:
    """Type the authenticator's code and sign in. moto checks a code against its own now within one
    30-second window (`verify_totp`, no window either side): a code read in a window's last instant
    can reach it in the next and be refused, so a refusal is typed once more, with the next code (after
    the password again where the refusal spent Cognito's session, as the page asks)."""
    for _ in range(2):
        if page.is_hidden("#mfa-code-box"):
            page.fill("#password", PASSWORD)
            page.click("#sign-in")
            page.wait_for_selector("#mfa-code-box:not([hidden])")
        page.evaluate("() => { document.querySelector('#signin-msg').textContent = '' }")
        page.fill("#mfa-code", app.now())
        page.click("#sign-in")
        page.wait_for_function(
            "() => !document.querySelector('#files-section').hidden"
            " || document.querySelector('#signin-msg').textContent.length > 0"
        )
        if page.is_visible("#files-section"):
            return
    raise AssertionError(f"the code of now refused twice: {page.inner_text('#signin-msg')}")


def test_with_mfa_required_a_new_staff_member_sets_up_totp_then_signs_in_with_its_code(stack, browser) -> None:
    """The pool as in a real account (MFA ON): the page shows the key to add to an authenticator app,
    takes its code, and from then on asks the code after the password; signing out ends the session
    at Cognito. moto checks the codes (local/moto/server.py)."""
    from tests.agency.test_sign_in_mfa import Authenticator

    config = json.load(urllib.request.urlopen(f"{stack.api}/console/config.json", timeout=5))
    idp = stack.client("cognito-idp")
    pool_id = config["user_pool_id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    try:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="mfa.na",
            TemporaryPassword="Tam-thoi-2026!x",
            UserAttributes=[{"Name": "custom:province_code", "Value": "40"}],
            MessageAction="SUPPRESS",
        )
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="mfa.na", GroupName="uploader")
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.goto(f"{stack.api}/console/")
        page.fill("#username", "mfa.na")
        page.fill("#password", "Tam-thoi-2026!x")
        page.click("#sign-in")
        page.wait_for_selector("#new-password-box:not([hidden])")
        page.fill("#new-password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_selector("#mfa-setup-box:not([hidden])")
        secret = page.inner_text("#mfa-secret")
        assert page.inner_text("#mfa-uri") == f"otpauth://totp/BHXH:mfa.na?secret={secret}&issuer=BHXH"
        page.screenshot(path=str(SCREENSHOTS / "console-mfa-setup.png"), full_page=True)
        _axe(page, "authenticator set-up")
        page.fill("#mfa-code", Authenticator(secret).at(time.time() + 600))  # not the code of now
        page.click("#sign-in")
        page.wait_for_function("() => document.querySelector('#signin-msg').textContent.length > 0")
        _enter_the_code_of_now(page, Authenticator(secret))
        access = page.evaluate("sessionStorage.getItem('console-access')")
        page.click("#sign-out")
        page.wait_for_selector("#signin:not([hidden])")
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.get_user(AccessToken=access)  # what the API asks: the session ended at Cognito

        page.fill("#username", "mfa.na")
        page.fill("#password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_selector("#mfa-code-box:not([hidden])")
        assert page.is_hidden("#mfa-setup-box")
        _enter_the_code_of_now(page, Authenticator(secret))
        assert "mfa.na" in page.inner_text("#who")
    finally:
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
        )
