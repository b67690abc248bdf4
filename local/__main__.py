"""`make run`: the whole service on this machine, on moto, in the foreground; Ctrl-C stops it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from local.env import ROOT, local_environment


def _wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {seconds}s")


def main() -> int:
    started = time.monotonic()
    moto_port = int(os.environ.get("BHXH_MOTO_PORT", "5000"))
    api_port = int(os.environ.get("BHXH_API_PORT", "8000"))
    state = Path(os.environ.get("BHXH_STATE_DIR", ROOT / ".local"))
    state.mkdir(parents=True, exist_ok=True)
    (state / "clock.json").unlink(missing_ok=True)  # a fresh moto: the clock starts at real time
    os.environ.update(local_environment(moto_port, state))
    os.environ["BHXH_STATE_DIR"] = str(state)

    moto = subprocess.Popen(
        [sys.executable, "-m", "local.moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],  # IAM enforced
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(moto_port)
        return _serve(moto_port, api_port, started)
    finally:
        moto.terminate()
        try:
            moto.wait(timeout=10)
        except subprocess.TimeoutExpired:  # busy answering: stopped all the same
            moto.kill()
            moto.wait(timeout=10)


def _serve(moto_port: int, api_port: int, started: float) -> int:
    import boto3

    from local.moto import patches
    from local.stack.resources import create_stack

    patches.apply(moto=False)  # every function's clients in one process: each model read once (moto: the server's)
    from local.moto.faults import from_env as faults_from_env
    from local.pump.sms_record import SmsRecord

    faults = faults_from_env(os.environ)  # BHXH_FAULTS: before any client is made, so every one has the hook
    if faults is not None:
        r = faults.rates
        print(f"[faults] {r.calls:.1%} of AWS calls fail, {r.kills:.1%} of invocations die (seed {r.seed})")
    session = boto3.session.Session()
    stack = create_stack(session, console_origin=f"http://127.0.0.1:{api_port}")
    for what in stack.applied:
        print(f"[stack] moto's CloudFormation skipped it, applied through the API: {what}")
    sqs = session.client("sqs")
    queue_arn = sqs.get_queue_attributes(QueueUrl=stack.ingest_queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    from local.stack.staff import StaffPool, create_demo_staff, staff_lines

    create_demo_staff(session, StaffPool(stack.outputs["StaffUserPoolId"], stack.outputs["StaffConsoleClientId"]))
    os.environ.update(
        STAFF_POOL_ID=stack.outputs["StaffUserPoolId"],
        STAFF_CLIENT_ID=stack.outputs["StaffConsoleClientId"],
        STAFF_SIGN_IN_URL=os.environ["AWS_ENDPOINT_URL"],  # the page signs in against moto's Cognito
        INGEST_QUEUE_ARN=queue_arn,
        LEDGER_STREAM_ARN=stack.outputs["LedgerStreamArn"],
        NOTIFICATIONS_STREAM_ARN=stack.outputs["NotificationsStreamArn"],
        INBOUND_TOPIC_ARN=stack.outputs["InboundSmsTopicArn"],
        SMS_STATUS_TOPIC_ARN=stack.outputs["SmsStatusTopicArn"],
        URGENT_QUEUE_URL=stack.outputs["UrgentQueueUrl"],
        BULK_QUEUE_URL=stack.outputs["BulkQueueUrl"],
    )
    from local.stack.wiring import lane_environment

    os.environ.update(lane_environment())  # the account's rate and the lanes' senders, as the package sets them
    rates = ", ".join(f"{k}={v}" for k, v in sorted(lane_environment().items()))
    print(f"[stack] sending lanes: {rates} (set any of them in the environment to change it)")

    import app as chalice_app
    from chalicelib.aws.settings import Settings
    from chalicelib.inbound.endpoint import use_certificates
    from chalicelib.services import Services, use_services
    from local.env import chalice_config
    from local.moto.sns_certificates import LocalMotoCertificates
    from local.pump.clock_file import file_clock
    from local.stack.build import build_local
    from local.stack.demo import upload_samples
    from local.stack.inbound import subscribe_inbound
    from local.stack.server import MaskedRequestLog
    from local.stack.staff import moto_jwks_fetch

    settings = Settings.from_env()
    clock = file_clock(os.environ["BHXH_CLOCK_FILE"])  # `make clock` moves it; every handler reads it
    jwks = moto_jwks_fetch(os.environ["AWS_ENDPOINT_URL"], settings.region)  # the staff pool's keys, from moto
    use_services(Services(settings=settings, clock=clock, jwks_fetch=jwks))
    use_certificates(LocalMotoCertificates(os.environ["AWS_ENDPOINT_URL"], settings.region))
    # each function under its own role, carrying exactly the policy `make package` gives it
    moto_url = os.environ["AWS_ENDPOINT_URL"]
    local = build_local(chalice_app.app, session, stack, clock=clock, moto_url=moto_url, prefix=settings.prefix)
    functions, pump = local.functions, local.pump
    pump.record_sms = SmsRecord(Path(os.environ["BHXH_STATE_DIR"]) / "sms.jsonl")
    server = functions.local_server(chalice_config(), "127.0.0.1", api_port, handler_cls=MaskedRequestLog)
    threading.Thread(target=server.server.serve_forever, name="api", daemon=True).start()
    pump.start()
    subscribe_inbound(session, stack, f"http://127.0.0.1:{api_port}")

    if os.environ.get("BHXH_DEMO", "1") != "0":
        keys = upload_samples(session.client("s3"), stack.bucket)
        print(f"[demo] uploaded {len(keys)} sample file(s) to s3://{stack.bucket}/incoming/")
    for line in staff_lines():
        print(line)
    print(f"[console] http://127.0.0.1:{api_port}/console/ (sign in as one of the above)")
    print(
        f"ready in {time.monotonic() - started:.1f}s: API http://127.0.0.1:{api_port}, "
        f"AWS (moto) http://127.0.0.1:{moto_port}, bucket {stack.bucket}. Ctrl-C stops.",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("stopping…", flush=True)
    pump.stop()
    if faults is not None:
        print("[faults] injected: " + json.dumps(dict(faults.counts), sort_keys=True), flush=True)
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
