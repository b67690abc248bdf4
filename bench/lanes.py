"""Two lanes under one rate, on the running local stack (`python -m local`, as `make run`): with a
backlog of bulk notices waiting in the bulk lane, an OTP requested through the API reaches SNS, and
the bulk lane drains at the configured rate, never above it.

The stack is started on free ports with its own state and no demo data, at the template's rate
(SMS_PER_SECOND, urgent share and senders as infra/resources.yaml defaults them). The backlog is put
straight into the outbox as `created` notices of one batch file (the way decide leaves them), so the
outbox stream's `route` puts each on the bulk queue; the OTP is asked for through `POST /v1/otp` for a
person with a registered phone. The stack's clock is set to 10:00 tomorrow (nothing held for the
night). Seconds are wall time (the stack is another process). The OTP is looked for at SNS itself
(moto's record); the drain is counted from the SMS the stack's console prints. Bounded waits.

"ratio" is the OTP's seconds from request to SNS ÷ 5 (target ≤ 1.0); "drain_ratio" is the SMS the
bulk lane sent per second while the backlog waited ÷ the account's rate (target ≥ 0.9); "peak_ratio"
the busiest 5-second window ÷ the account's rate (above 1.0, SNS would throttle).

    python bench/lanes.py [--backlog 20000] [--window 60]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FILE = "incoming/payments/bench-lanes.csv"
SS_CODE, PHONE = "4012345678", "+84912000001"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], Any], what: str, within_s: float) -> Any:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"timed out after {within_s}s waiting for {what}")


class Stack:
    def __init__(self, state: Path) -> None:
        self.moto_port, self.api_port = _free_port(), _free_port()
        self.log = state / "stack.log"
        self.env = {
            **os.environ,
            "BHXH_MOTO_PORT": str(self.moto_port),
            "BHXH_API_PORT": str(self.api_port),
            "BHXH_STATE_DIR": str(state),
            "BHXH_DEMO": "0",
            "PYTHONUNBUFFERED": "1",
        }
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "local"], cwd=ROOT, env=self.env, stdout=out, stderr=out
            )
        wait_for(lambda: "ready in" in self.log.read_text() or self.process.poll() is not None, "the ready line", 120)
        if self.process.poll() is not None:
            raise SystemExit(self.log.read_text())
        self.moto = f"http://127.0.0.1:{self.moto_port}"
        self.api = f"http://127.0.0.1:{self.api_port}"

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.moto,
            region_name="ap-southeast-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def sms(self) -> list[dict[str, str]]:
        for attempt in range(5):  # moto answers 500 when its registry changes while it walks it
            try:
                with urllib.request.urlopen(f"{self.moto}/moto-api/data.json", timeout=30) as response:
                    return json.load(response)["sns"]["SMS"]
            except urllib.error.HTTPError as exc:
                if exc.code != 500 or attempt == 4:
                    raise
        return []

    def printed_sms(self) -> int:
        return sum(1 for line in self.log.read_text().splitlines() if line.startswith("[sms] to "))

    def set_clock(self, at: str) -> None:
        subprocess.run([sys.executable, "-m", "local.clock", at], cwd=ROOT, env=self.env, check=True)

    def rate(self) -> float:
        for line in self.log.read_text().splitlines():
            if line.startswith("[stack] sending lanes:"):
                settings = dict(part.split("=") for part in line.split(": ", 1)[1].split(" (")[0].split(", "))
                return float(settings["SMS_PER_SECOND"])
        raise SystemExit("the stack did not say its sending lanes")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _backlog(stack: Stack, n: int) -> None:
    """`n` notices of one batch file, `created`, written as decide writes them (25 a call)."""
    from chalicelib.notify.retention import notice_id

    key = stack.client("ssm").get_parameter(Name="/bhxh/local/dedupe-key", WithDecryption=True)["Parameter"]["Value"]
    ddb = stack.client("dynamodb")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    items = []
    for i in range(n):
        params = {"unit_code": {"S": "TZH490L"}, "amount_vnd": {"S": str(1000 + i)}, "paid_on": {"S": "2026-11-05"}}
        items.append(
            {
                "id": {"S": notice_id(f"payment_received#BENCH-{i}", key.encode())},
                "template": {"S": "payment_received"},
                "params": {"M": params},
                "recipient_kind": {"S": "employer"},
                "recipient_ref": {"S": "TZH490L"},
                "phone": {"S": f"+8490{i:07d}"},
                "status": {"S": "created"},
                "urgent": {"BOOL": False},
                "attempts": {"N": "0"},
                "created_at": {"S": now},
                "send_after": {"S": now},
                "expires_at": {"N": str(int(time.time()) + 7 * 86400)},
                "source": {"S": f"{FILE}#{i + 2}"},
                "batch": {"S": FILE},
            }
        )
    for start in range(0, n, 25):
        ddb.batch_write_item(
            RequestItems={
                "bhxh-local-notifications": [{"PutRequest": {"Item": it}} for it in items[start : start + 25]]
            }
        )


def _waiting_in_bulk(stack: Stack) -> int:
    lines = [line for line in stack.log.read_text().splitlines() if line.startswith("[lanes] waiting:")]
    if not lines:
        return 0
    parts = dict(part.rsplit(" ", 1) for part in lines[-1].split(": ", 1)[1].split(", "))
    return int(parts.get("bhxh-local-bulk", 0))


def _ask_otp(stack: Stack) -> float:
    body = json.dumps({"ss_code": SS_CODE}).encode()
    request = urllib.request.Request(
        f"{stack.api}/v1/otp", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202, response.status
    wait_for(lambda: any(m["phone_number"] == PHONE for m in stack.sms()), "the OTP at SNS", 120)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backlog", type=int, default=20_000)
    parser.add_argument("--window", type=float, default=60, help="seconds over which the drain rate is measured")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-lanes-") as state:
        stack = Stack(Path(state))
        try:
            rate = stack.rate()
            from datetime import datetime, timedelta

            from chalicelib.domain.clock import ICT

            tomorrow = (datetime.now(ICT) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
            stack.set_clock(tomorrow.isoformat())
            people = stack.client("dynamodb")
            person = {"ss_code": {"S": SS_CODE}, "full_name": {"S": "Lê Văn Bền"}, "date_of_birth": {"S": "1980-01-01"}}
            people.put_item(TableName="bhxh-local-people", Item=person | {"phone": {"S": PHONE}})
            clock = time.monotonic()
            _backlog(stack, args.backlog)
            written_s = time.monotonic() - clock
            # the backlog reaches the bulk lane (route, ten to a call), and the lane sends meanwhile
            wait_for(
                lambda: _waiting_in_bulk(stack) + stack.printed_sms() >= args.backlog * 0.98, "the routed backlog", 900
            )
            routed_s = time.monotonic() - clock
            waiting = _waiting_in_bulk(stack)
            otp_s = _ask_otp(stack)

            # the drain: SMS recorded over the window, read every 5 seconds for the busiest window
            counts = [(time.monotonic(), stack.printed_sms())]
            while counts[-1][0] - counts[0][0] < args.window:
                time.sleep(max(0.0, 5 - (time.monotonic() - counts[-1][0])))
                counts.append((time.monotonic(), stack.printed_sms()))
            drained = (counts[-1][1] - counts[0][1]) / (counts[-1][0] - counts[0][0])
            peak = max((b[1] - a[1]) / (b[0] - a[0]) for a, b in pairwise(counts))
            still = _waiting_in_bulk(stack)
        finally:
            stack.stop()
            (ROOT / "build").mkdir(exist_ok=True)
            (ROOT / "build" / "lanes-stack.log").write_text(stack.log.read_text())  # for a look afterwards
    print(f"backlog {args.backlog}: written in {written_s:.0f}s, on the bulk lane after {routed_s:.0f}s")
    print(f"OTP with {waiting} waiting on the bulk lane: {otp_s:.2f}s from request to SNS")
    print(f"bulk lane: {drained:.1f} SMS/s over {args.window:.0f}s at a rate of {rate:g}/s (busiest 5s: {peak:.1f}/s)")
    result = {
        "bench": "lanes",
        "ratio": round(otp_s / 5, 3),
        "otp_s": round(otp_s, 2),
        "backlog_at_otp": waiting,
        "backlog_after": still,
        "rate_per_s": rate,
        "drain_per_s": round(drained, 2),
        "drain_ratio": round(drained / rate, 3),
        "peak_ratio": round(peak / rate, 3),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
