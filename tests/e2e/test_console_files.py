"""The console's file list told truthfully (issue 22, item 6), in real headless Chromium at a phone's
width and a laptop's: a refused, a staged, a done, a paused and a stopped file each shown as what it
is, two uploads of one name as two rows (the earlier one marked, with no button), pause and stop
only where something is left to send, the row's buttons acting and the row showing what they did,
and the screen passing axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.clock import ICT
from tests.e2e import test_console_page as part_one
from tests.e2e.conftest import RunningStack, running_stack, wait_for
from tests.e2e.test_console_page import SCREENSHOTS, _axe, _call, _post_file, _sign_in, _token

chromium = part_one.chromium  # the same Debian chromium and browser context as the console's test
browser = part_one.browser

BIG = 120  # SMS of each file to pause or stop: at 4 a second (parts, shared), far more than go before the clicks
UNITS = "unit_code,name,rep_phone,province_code\n" + "".join(
    f"NA{n:04d}X,Công ty {n},0912{n:06d},40\n" for n in range(1, BIG + 1)
)
HEADER = "payment_id,unit_code,paid_on,amount_vnd\n"
TWICE = [HEADER + "PT-H1,NA0001X,2026-11-05,1000000\n", HEADER + "PT-H2,NA0002X,2026-11-06,2000000\n"]
CHECKED = HEADER + "PT-C1,NA0003X,2026-11-05,3000000\nPT-C2,NA0004X,2026-11-06,4000000\n"
NO_AMOUNT = "payment_id,unit_code,paid_on\nPT-Z1,NA0001X,2026-11-05\n"  # a required column missing: refused whole


def _big(prefix: str) -> str:
    return HEADER + "".join(f"PT-{prefix}{n:03d},NA{n:04d}X,2026-11-07,{n}000000\n" for n in range(1, BIG + 1))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("files-state"), SMS_PER_SECOND="4") as running:
        tomorrow_ten = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        running.set_clock(tomorrow_ten.isoformat())  # daytime on the stack's clock: nothing held
        running.client("s3").put_object(
            Bucket="bhxh-local-ingest", Key="incoming/employers/units.csv", Body=UNITS.encode()
        )
        yield running


def _upload(stack: RunningStack, token: str, name: str, text: str, mode: str) -> None:
    status, answer = _call(stack, "POST", "/v1/agency/uploads", token, {"kind": "payments", "name": name, "mode": mode})
    assert status == 201, answer
    assert _post_file(answer, text) == 201


def _shown(stack: RunningStack, token: str) -> list[tuple[str, str, bool]]:
    files = _call(stack, "GET", "/v1/agency/files", token)[1]["files"]
    return [(f["name"], f["shown_status"], f["newest"]) for f in files]


def _unsent(stack: RunningStack, token: str, name: str) -> int:
    """What the list's row says is left (the stream's tally, which lags), not the file page's exact count."""
    rows = _call(stack, "GET", "/v1/agency/files", token)[1]["files"]
    return next((f.get("unsent", 0) for f in rows if f["name"] == name and f["newest"]), 0)


def _row(page, file: str, newest: bool = True):
    return page.locator(f"#files tbody tr[data-file='{file}'][data-newest='{str(newest).lower()}']")


def _buttons(page, file: str, newest: bool = True) -> list[str]:
    return _row(page, file, newest).locator("button[data-action]").evaluate_all("bs => bs.map(b => b.dataset.action)")


def test_the_file_list_tells_each_file_apart_with_only_the_buttons_left(stack, browser) -> None:
    wait_for(
        lambda: (
            stack.client("s3").list_objects_v2(Bucket="bhxh-local-ingest", Prefix="reports/employers/").get("KeyCount")
        ),
        "the employers' report",
    )
    token = _token(stack, "uploader.na")
    _upload(stack, token, "hai-lan", TWICE[0], "send")
    wait_for(lambda: ("hai-lan", "done", True) in _shown(stack, token) or None, "the first upload sent")
    _upload(stack, token, "hai-lan", TWICE[1], "send")
    wait_for(lambda: ("hai-lan", "done", False) in _shown(stack, token) or None, "the second upload under the name")
    _upload(stack, token, "hong", NO_AMOUNT, "check")
    _upload(stack, token, "cho-gui", CHECKED, "check")
    _upload(stack, token, "tam-dung", _big("P"), "send")
    _upload(stack, token, "dung-han", _big("S"), "send")

    # the list's unsent count follows the outbox's stream: the big files' SMS are counted before the clicks
    wait_for(lambda: _unsent(stack, token, "tam-dung") and _unsent(stack, token, "dung-han"), "both files' SMS queued")
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, stack, "uploader.na")
    # the row's buttons act, and the row shows what they did: pause on one big file, stop on the other
    page.locator("#files tbody tr[data-file='incoming/payments/tam-dung.csv'] button[data-action='pause']").click()
    page.wait_for_selector("#files tbody tr[data-file='incoming/payments/tam-dung.csv'][data-status='paused']")
    assert "tam-dung" in page.inner_text("#files-msg") and page.get_attribute("#files-msg", "class") == "msg ok"
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#files tbody tr[data-file='incoming/payments/dung-han.csv'] button[data-action='stop']").click()
    page.wait_for_selector("#files tbody tr[data-file='incoming/payments/dung-han.csv'][data-status='stopped']")
    page.wait_for_selector("#files tbody tr[data-file='staged/payments/cho-gui.csv'][data-status='staged']")
    page.wait_for_selector("#files tbody tr[data-file='staged/payments/hong.csv'][data-status='rejected']")

    rows = page.eval_on_selector_all(
        "#files tbody tr",
        "rows => rows.map(r => [r.dataset.file.split('/').pop(), r.dataset.status, r.dataset.newest])",
    )
    assert sorted(rows) == [
        ["cho-gui.csv", "staged", "true"],
        ["dung-han.csv", "stopped", "true"],
        ["hai-lan.csv", "done", "false"],
        ["hai-lan.csv", "done", "true"],
        ["hong.csv", "rejected", "true"],
        ["tam-dung.csv", "paused", "true"],
    ]
    assert _buttons(page, "incoming/payments/tam-dung.csv") == ["resume", "stop"]
    assert _buttons(page, "incoming/payments/dung-han.csv") == []  # nothing is left to send
    assert _buttons(page, "incoming/payments/hai-lan.csv") == []  # sent: nothing left to pause or stop
    assert _buttons(page, "incoming/payments/hai-lan.csv", newest=False) == []
    assert _buttons(page, "staged/payments/cho-gui.csv") == ["release", "cancel"]
    assert _buttons(page, "staged/payments/hong.csv") == ["cancel"]  # refused: never sent, only cleared
    earlier = _row(page, "incoming/payments/hai-lan.csv", newest=False)
    assert "Lần tải trước" in earlier.inner_text() and earlier.locator("button").count() == 0
    said = {
        f: _row(page, f"{stage}/payments/{f}.csv").locator(".badge").inner_text()
        for stage, f in [("incoming", "tam-dung"), ("incoming", "dung-han"), ("staged", "cho-gui"), ("staged", "hong")]
    }
    assert said == {
        "tam-dung": "Đang tạm dừng gửi",
        "dung-han": "Đã dừng hẳn",
        "cho-gui": "Chờ gửi (đã kiểm tra)",
        "hong": "Bị từ chối",
    }
    assert _row(page, "incoming/payments/hai-lan.csv").locator(".badge").inner_text() == "Xong"
    # the list answers the contract's status beside the shown one
    listed = {(f["name"], f["newest"]): f for f in _call(stack, "GET", "/v1/agency/files", token)[1]["files"]}
    assert (listed[("tam-dung", True)]["status"], listed[("dung-han", True)]["status"]) == ("done", "done")
    assert listed[("hong", True)]["status"] == "rejected"

    shots = SCREENSHOTS
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "filelist-after-390.png"), full_page=True)
    _axe(page, "the file list, phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#lang-switch")
    page.wait_for_function(
        "() => document.querySelector(\"#files tr[data-status='paused'] .badge\").textContent === 'Sending paused'"
    )
    assert "Earlier upload" in _row(page, "incoming/payments/hai-lan.csv", newest=False).inner_text()
    page.screenshot(path=str(shots / "filelist-after-desktop.png"), full_page=True)
    _axe(page, "the file list, desktop, English")

    # the page of a paused file offers the same buttons as its row; resuming there refreshes the row
    _row(page, "incoming/payments/tam-dung.csv").locator("button").first.click()
    page.wait_for_function("() => document.querySelector('#detail-title').textContent === 'payments/tam-dung'")
    assert page.inner_text("#detail-status") == "Sending paused"
    assert page.is_visible("#resume") and page.is_visible("#stop") and page.is_hidden("#pause")
    page.click("#resume")
    page.wait_for_function("() => document.querySelector('#action-msg').dataset.action === 'resume'")
    page.wait_for_selector("#files tbody tr[data-file='incoming/payments/tam-dung.csv'][data-status='running']")
    assert "pause" in _buttons(page, "incoming/payments/tam-dung.csv")
