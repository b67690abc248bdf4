"""A day of the agency's work on the running local stack, with AWS failing at random, against the
same day without faults (issue 24).

The day (sizes × `--scale`; the issue's day is `--scale 1`: 20,000 people, 10,000 payments, yearly
statements for 5,000, 200 OTPs and 200 SMS queries). The default, 3 % (600 people, 300 payments,
150 statements, 6 OTPs, 6 queries), with one seed finishes in about ten minutes on the loaded 2-core
machine (the day without faults ≈ 4 min, with faults ≈ 5.5 min; each more seed ≈ 5.5 min): moto's
query and scan walk whole tables, so the stack's time grows faster than the day (a tenth took 16
minutes without faults):
  07:50  employers, people, history (2026), household cards expiring, voluntary plans due, arrears
  08:05  the daily reminders and the yearly statement fire (make clock)
  08:10  payments (uploaded through the console's province: paused and resumed there), declarations,
         dossiers (received, then a second file completing half), benefits, health-care claims
  09:00… OTPs through `POST /v1/otp` (18 an hour: the API allows 20 a client) and `BH QT` queries
         through the inbound topic, each hour
  then   the clock moves 20 minutes at a time while anything is left to retry (the 15-minute job).

Each run is a fresh stack (`python -m local`, free ports, no demo data); the second with
`BHXH_FAULTS=<calls>,<kills>` and `BHXH_FAULTS_SEED` (local/moto/faults.py). What it prints:
- lost: notices of the baseline's templates the faulted day lacks, plus notices not in a final state;
- doubled: the same text to the same phone more than once (the stack's complete SMS record,
  `<state>/sms.jsonl`: moto's data.json keeps only the latest 1,000);
- wrong reports: a file's report missing, or differing from the baseline's (status, rows, taken, rejected);
- dead letters: messages in each dead-letter queue and stream batches the pump gave up on, each with
  what it was;
- ratio: the faulted day's wall time ÷ the baseline's.
The HTTP clients (the bench's OTPs and console actions, SNS's delivery of a query) retry a 5xx, as
browsers, the agency's staff and SNS do.

    python bench/faults.py [--scale 0.03] [--calls 0.05] [--kills 0.01] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lanes import Stack, wait_for  # noqa: E402

BUCKET = "bhxh-local-ingest"
OUTBOX = "bhxh-local-notifications"
DAY = "2027-01-15"
FINAL = {"delivered", "permanent-failure", "technical-failure", "opted-out", "unreachable", "cancelled"}
PASSWORD = "Bhxh-local-2026!"


@dataclass
class Day:
    scale: float
    files: list[tuple[str, str, bytes, dict[str, str]]] = field(default_factory=list)  # kind, name, csv, metadata
    people: list[tuple[str, str]] = field(default_factory=list)  # (ss_code, phone) with a phone

    def n(self, full: int) -> int:
        return max(2, round(full * self.scale))


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _phone(prefix: str, i: int) -> str:
    n = i * 3 + 1
    while f"{n:07d}".endswith(("98", "99")):  # 98: the local carrier refuses; 99: moto says opted out
        n += 1
    return f"+84{prefix}{n:07d}"


def make_day(scale: float) -> Day:
    """Every file kind, deterministic for a scale."""
    day = Day(scale)
    units = [f"BU{i:05d}" for i in range(day.n(200))]
    employers = [[u, f"Cong ty {u}", _phone("91", i), "40"] for i, u in enumerate(units)]
    people = []
    for i in range(day.n(20_000)):
        ss = f"40{i:08d}"
        phone = "" if i % 20 == 19 else _phone("98", i)
        people.append([ss, f"Nguyen Van {i}", "1985-01-01", "", phone, units[i % len(units)], "40"])
        if phone:
            day.people.append((ss, phone))
    history = []
    for i in range(day.n(5_000)):
        for month in range(1, 13):
            history.append(
                [people[i][0], people[i][5], f"2026-{month:02d}", 10_000_000, 2_550_000, 450_000, 200_000, "paid"]
            )
    cards = [
        [f"GD440{people[i][0]}", people[i][0], "2026-02-11", "2027-02-10", "Y", "Tram Y te"]
        for i in range(day.n(1_000))
    ]
    voluntary = [[people[-1 - i][0], 12, "2027-01", 5_000_000] for i in range(day.n(500))]
    arrears = [[units[i], "2026-12", 10_000_000, 1, 150_000] for i in range(max(1, len(units) // 20))]
    base = [
        ("employers", employers, ["unit_code", "name", "rep_phone", "province_code"]),
        (
            "people",
            people,
            ["ss_code", "full_name", "date_of_birth", "id_number", "phone", "unit_code", "province_code"],
        ),
        ("history", history, ["ss_code", "unit_code", "period", "salary_vnd", "si_vnd", "hi_vnd", "ui_vnd", "status"]),
        ("hi_cards", cards, ["card_no", "ss_code", "valid_from", "valid_to", "household", "facility"]),
        ("voluntary", voluntary, ["ss_code", "months_per_payment", "paid_to", "income_vnd"]),
        ("arrears", arrears, ["unit_code", "period", "owed_vnd", "months_late", "interest_vnd"]),
    ]
    for kind, rows, header in base:
        day.files.append((kind, f"day-{kind}", _csv(header, rows), {}))
    payments = [
        [f"PB{i:06d}", units[i % len(units)], "2027-01-14", 1_000_000 + i, "2026-12"] for i in range(day.n(10_000))
    ]
    plans = ["GH", "KL", "DC"]
    declarations = [
        [f"DB{i:06d}", people[i][5], people[i][0], plans[i % 3], "2027-01", 6_000_000, 8_000_000]
        for i in range(day.n(1_000))
    ]
    dossiers = [
        [f"{i:05d}/2027/00001", "Cap so BHXH", _phone("97", i), "received", "2027-01-14", "2027-01-28"]
        for i in range(day.n(1_000))
    ]
    done = [[d[0], d[1], d[2], "completed", d[4], d[5]] for d in dossiers[::2]]
    benefits = [
        [f"BB{i:06d}", people[i][0], "sickness", 1_500_000, "2027-01-14", "2026-12"] for i in range(day.n(1_000))
    ]
    claims = [
        [f"CB{i:06d}", f"GD440{people[i][0]}", "Benh vien Da khoa", "2027-01-10", 900_000, 720_000]
        for i in range(day.n(1_000))
    ]
    console = {"uploaded-by": "uploader.na", "province-code": "40"}
    day.files += [
        (
            "payments",
            "day-payments",
            _csv(["payment_id", "unit_code", "paid_on", "amount_vnd", "period"], payments),
            console,
        ),
        (
            "declarations",
            "day-declarations",
            _csv(
                [
                    "declaration_id",
                    "unit_code",
                    "ss_code",
                    "plan",
                    "effective_period",
                    "salary_vnd",
                    "previous_salary_vnd",
                ],
                declarations,
            ),
            {},
        ),
        (
            "dossiers",
            "day-dossiers",
            _csv(["dossier_no", "procedure", "submitter_phone", "status", "received_on", "appointment_on"], dossiers),
            {},
        ),
        (
            "benefits",
            "day-benefits",
            _csv(["benefit_id", "ss_code", "benefit", "amount_vnd", "paid_on", "period"], benefits),
            {},
        ),
        (
            "hi_claims",
            "day-claims",
            _csv(["claim_id", "card_no", "facility", "visit_on", "total_vnd", "fund_paid_vnd"], claims),
            {},
        ),
        (
            "dossiers",
            "day-dossiers-done",
            _csv(["dossier_no", "procedure", "submitter_phone", "status", "received_on", "appointment_on"], done),
            {},
        ),
    ]
    return day


# -- talking to the stack
def _http(
    stack: Stack, method: str, path: str, body: Any = None, token: tuple[str, str] | None = None, tries: int = 6
) -> tuple[int, Any]:
    """A client that tries a 5xx again (a browser's user, SNS's delivery): what the stack answers last."""
    data = None if body is None else json.dumps(body).encode()
    signed_in = {"Authorization": f"Bearer {token[0]}", "X-Access-Token": token[1]} if token else {}
    headers = {"Content-Type": "application/json", **signed_in}
    status, answer = 0, None
    for attempt in range(tries):
        request = urllib.request.Request(f"{stack.api}{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read()
            if exc.code < 500:
                return status, answer
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            status = 599
        time.sleep(0.5 * (attempt + 1))
    return status, answer


def _upload(stack: Stack, kind: str, name: str, data: bytes, metadata: dict[str, str]) -> str:
    key = f"incoming/{kind}/{name}.csv"
    stack.client("s3").put_object(Bucket=BUCKET, Key=key, Body=data, Metadata=metadata)
    return key


def _report(stack: Stack, kind: str, name: str) -> dict[str, Any] | None:
    try:
        body = stack.client("s3").get_object(Bucket=BUCKET, Key=f"reports/{kind}/{name}.json")["Body"].read()
    except Exception:
        return None
    return json.loads(body)


def _outbox(stack: Stack) -> list[dict[str, str]]:
    ddb, items, start = stack.client("dynamodb"), [], None
    while True:
        scan = {
            "TableName": OUTBOX,
            "ProjectionExpression": "#t, #s, reason",
            "ExpressionAttributeNames": {"#t": "template", "#s": "status"},
            **({"ExclusiveStartKey": start} if start else {}),
        }
        page = _again(lambda scan=scan: ddb.scan(**scan))
        items += [{k: v.get("S", "") for k, v in item.items()} for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def _again(call: Any, tries: int = 8) -> Any:
    """moto's server answers 500 now and then under load (its registry changing while it walks it)."""
    for attempt in range(tries):
        try:
            return call()
        except Exception:
            if attempt == tries - 1:
                raise
            time.sleep(1 + attempt)
    return None


def _settled(stack: Stack, quiet_s: float, within_s: float) -> list[dict[str, str]]:
    """Wait until the outbox stops changing for `quiet_s` and the lanes wait for nothing."""
    deadline = time.monotonic() + within_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        items = _outbox(stack)
        shape = Counter((i["template"], i["status"]) for i in items)
        moving = any(i["status"] in ("created", "sending", "sent") for i in items)
        if shape != last:
            last, since = shape, time.monotonic()
        elif not moving and time.monotonic() - since >= quiet_s:
            return items
        elif time.monotonic() - since >= quiet_s * 6:
            return items  # stuck (a notice `sending` waits for the 15-minute job): the clock moves on
        time.sleep(2)
    return _outbox(stack)


def _answered(stack: Stack, inbound_id: str) -> bool:
    from chalicelib.notify.retention import notice_id

    ssm = stack.client("ssm")
    key = _again(lambda: ssm.get_parameter(Name="/bhxh/local/dedupe-key", WithDecryption=True))["Parameter"]["Value"]
    ddb, outbox_key = stack.client("dynamodb"), {"id": {"S": notice_id(f"reply#{inbound_id}", key.encode())}}
    return "Item" in _again(lambda: ddb.get_item(TableName=OUTBOX, Key=outbox_key))


def _left(stack: Stack, page: str, token: tuple[str, str]) -> int:
    """A file's SMS left to send, as its console page counts them; 0 before the file is there."""
    status, answer = _http(stack, "GET", page, None, token)
    return int(answer.get("unsent", 0)) if status == 200 and isinstance(answer, dict) else 0


def _token(stack: Stack) -> tuple[str, str]:
    """A staff sign-in's ID token and its access token: the console's API asks for both (a disabled or
    signed-out staff member's access token is refused)."""
    with urllib.request.urlopen(f"{stack.api}/console/config.json", timeout=10) as response:
        config = json.load(response)
    answer = stack.client("cognito-idp").initiate_auth(
        ClientId=config["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uploader.na", "PASSWORD": PASSWORD},
    )
    tokens = answer["AuthenticationResult"]
    return tokens["IdToken"], tokens["AccessToken"]


def _query(stack: Stack, topic: str, ss_code: str, phone: str) -> str:
    inbound_id = str(uuid.uuid4())
    message = {
        "originationNumber": phone,
        "destinationNumber": "8079",
        "messageKeyword": "BH",
        "messageBody": f"BH QT {ss_code}",
        "inboundMessageId": inbound_id,
        "previousPublishedMessageId": "",
    }
    sns = stack.client("sns")
    for attempt in range(5):  # the carrier's side: a garbled answer from the busy moto server is tried again
        try:  # (the same inbound id twice is one query: the reply's outbox key is the id's)
            sns.publish(TopicArn=topic, Message=json.dumps(message))
            break
        except (BotoCoreError, ClientError, ResponseParserError):  # moto's 500 page is no XML
            if attempt == 4:
                raise
            time.sleep(0.5 * (attempt + 1))
    return json.dumps(message)


def run_day(day: Day, *, calls: float, kills: float, seed: int, sms_rate: int) -> dict[str, Any]:
    faults = {"BHXH_FAULTS": f"{calls},{kills}", "BHXH_FAULTS_SEED": str(seed)} if calls or kills else {}
    for key in ("BHXH_FAULTS", "BHXH_FAULTS_SEED"):
        os.environ.pop(key, None)
    os.environ.update({**faults, "SMS_PER_SECOND": str(sms_rate), "BULK_SENDERS": "8"})
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as state_dir:
        state = Path(state_dir)
        stack = Stack(state)
        started = time.monotonic()
        try:
            result = _the_day(stack, day)
            result["seconds"] = time.monotonic() - started
        finally:
            stack.stop()
            log = stack.log.read_text()
            (ROOT / "build").mkdir(exist_ok=True)
            (ROOT / "build" / f"faults-stack-{seed if faults else 'baseline'}.log").write_text(log)
        sms_lines = (state / "sms.jsonl").read_text().splitlines() if (state / "sms.jsonl").exists() else []
    by_id = {m["message_id"]: m for m in map(json.loads, sms_lines)}  # one line an SMS SNS took
    sent = Counter((m["phone"], m["text"]) for m in by_id.values())
    result["sms"] = len(by_id)
    result["doubled"] = {f"{text[:60]}…": n for (_phone, text), n in sent.items() if n > 1}
    result["gave_up"] = [line for line in log.splitlines() if "failed after" in line and "retries" in line]
    result["injected"] = next((line for line in log.splitlines() if line.startswith("[faults] injected")), "")
    return result


def _the_day(stack: Stack, day: Day) -> dict[str, Any]:
    stack.set_clock(f"{DAY}T07:50")
    sns = stack.client("sns")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("-inbound-sms"))
    base, later = day.files[:6], day.files[6:]
    for kind, name, data, metadata in base:
        _upload(stack, kind, name, data, metadata)
    wait_for(lambda: all(_report(stack, k, n) for k, n, _, _ in base), "the morning's reports", 900)
    stack.set_clock(f"{DAY}T08:05")  # the daily reminders and the yearly statement
    stack.set_clock(f"{DAY}T08:10")
    token = _token(stack)
    for kind, name, data, metadata in later[:-1]:
        _upload(stack, kind, name, data, metadata)
    console: list[int] = []
    # paused while its SMS go out (its page counts what is left exactly), resumed 3 s later
    page = "/v1/agency/files/payments/day-payments"
    wait_for(lambda: _left(stack, page, token) or None, "the payments' SMS queued", 900)
    console.append(_http(stack, "POST", f"{page}/pause", {}, token)[0])
    time.sleep(3)  # the console's pause holds for a while
    console.append(_http(stack, "POST", f"{page}/resume", {}, token)[0])
    wait_for(lambda: _report(stack, "payments", "day-payments"), "the payments report", 900)
    wait_for(lambda: _report(stack, "dossiers", "day-dossiers"), "the first dossiers report", 900)
    kind, name, data, metadata = later[-1]
    _upload(stack, kind, name, data, metadata)
    otps, queries = [], []
    asking = day.people[: day.n(200)]
    for hour, start in enumerate(range(0, len(asking), 18)):
        stack.set_clock(f"{DAY}T{9 + hour:02d}:00")
        for ss_code, _phone in asking[start : start + 18]:
            otps.append(_http(stack, "POST", "/v1/otp", {"ss_code": ss_code})[0])
    queried = day.people[-day.n(200) :]
    for ss_code, phone in queried:
        queries.append(_query(stack, topic, ss_code, phone))
    wait_for(lambda: all(_report(stack, k, n) for k, n, _, _ in later), "the day's reports", 900)
    items = _settled(stack, quiet_s=8, within_s=600)
    replies = sum(1 for i in items if i["template"] == "query_reply")
    for _ in range(3):  # SNS retries an HTTP delivery that failed: a query not answered is delivered again
        unanswered = [q for q in queries if not _answered(stack, json.loads(q)["inboundMessageId"])]
        for message in unanswered:
            _again(lambda message=message: sns.publish(TopicArn=topic, Message=message))
        if not unanswered:
            break
        items = _settled(stack, quiet_s=8, within_s=300)
    hour = 9 + (len(asking) + 17) // 18
    for minute in range(20, 20 * 16, 20):
        left = [i for i in items if i["status"] not in FINAL]
        if not left:
            break
        at = f"{DAY}T{hour + minute // 60:02d}:{minute % 60:02d}"
        stack.set_clock(at)
        items = _settled(stack, quiet_s=8, within_s=300)
    reports = {f"{k}/{n}": _report(stack, k, n) for k, n, _, _ in day.files}
    return {
        "outbox": items,
        "reports": reports,
        "console": console,
        "otp_answers": Counter(otps),
        "queries": len(queries),
        "replies_before_retry": replies,
        "dead_letters": _dead_letters(stack),
    }


def _dead_letters(stack: Stack) -> dict[str, list[str]]:
    sqs, found = stack.client("sqs"), {}
    for url in sqs.list_queues().get("QueueUrls", []):
        name = url.rsplit("/", 1)[-1]
        if not (name.endswith("-dlq") or "failure" in name):
            continue
        bodies: list[str] = []
        for _ in range(20):
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300).get(
                "Messages", []
            )
            if not messages:
                break
            bodies += [m["Body"][:300] for m in messages]
        if bodies:
            found[name] = bodies
    return found


def compare(base: dict[str, Any], faulted: dict[str, Any]) -> dict[str, Any]:
    """What the faulted day lost, doubled and reported wrongly, against the baseline."""
    want = Counter(i["template"] for i in base["outbox"] if i["template"] not in ("otp", "query_reply"))
    have = Counter(i["template"] for i in faulted["outbox"])
    missing = {t: n - have.get(t, 0) for t, n in want.items() if have.get(t, 0) < n}
    unfinished = Counter(f"{i['template']} {i['status']}" for i in faulted["outbox"] if i["status"] not in FINAL)
    otps_asked = sum(n for status, n in faulted["otp_answers"].items() if status == 202)
    missing_otps = max(0, otps_asked - have.get("otp", 0))
    missing_replies = max(0, faulted["queries"] - have.get("query_reply", 0))
    wrong = {}
    for key, report in base["reports"].items():
        other = faulted["reports"].get(key)
        fields = ("status", "rows", "accepted", "rejected", "kind", "file")
        if other is None or any(report.get(f) != other.get(f) for f in fields):
            wrong[key] = "missing" if other is None else {f: (report.get(f), other.get(f)) for f in fields}
    return {
        "missing": missing,
        "missing_otps": missing_otps,
        "missing_replies": missing_replies,
        "unfinished": dict(unfinished),
        "lost": sum(missing.values()) + missing_otps + missing_replies + sum(unfinished.values()),
        # notices the person never got: SNS took fewer SMS than without faults (a notice ended
        # `technical-failure` "may have sent it" that in fact had not gone counts here, not in lost)
        "unsent_sms": max(0, base["sms"] - faulted["sms"]),
        "doubled": sum(n - 1 for n in faulted["doubled"].values()),
        "wrong_reports": wrong,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.03, help="share of the issue's day (1 = 20,000 people)")
    parser.add_argument("--calls", type=float, default=0.05, help="share of AWS calls that fail")
    parser.add_argument("--kills", type=float, default=0.01, help="share of invocations killed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--sms-per-second", type=int, default=50, help="the account's SMS rate, both runs")
    args = parser.parse_args()
    day = make_day(args.scale)
    base = run_day(day, calls=0, kills=0, seed=0, sms_rate=args.sms_per_second)
    statuses = Counter(i["status"] for i in base["outbox"])
    print(f"baseline: {len(base['outbox'])} notices {dict(statuses)}, {base['sms']} SMS, {base['seconds']:.0f}s")
    print(f"baseline: doubled {base['doubled']}, dead letters {base['dead_letters']}, console {base['console']}")
    results, faulted_days = [], []
    for seed in args.seeds:
        faulted = run_day(day, calls=args.calls, kills=args.kills, seed=seed, sms_rate=args.sms_per_second)
        faulted_days.append(faulted)
        found = compare(base, faulted)
        ratio = faulted["seconds"] / base["seconds"]
        statuses = Counter(i["status"] for i in faulted["outbox"])
        print(
            f"seed {seed}: {len(faulted['outbox'])} notices {dict(statuses)}, "
            f"{faulted['sms']} SMS, {faulted['seconds']:.0f}s"
        )
        print(f"seed {seed}: {faulted['injected']}")
        print(
            f"seed {seed}: lost {found['lost']} (missing {found['missing']}, OTPs {found['missing_otps']}, "
            f"replies {found['missing_replies']}, not final {found['unfinished']})"
        )
        print(f"seed {seed}: doubled {found['doubled']} {faulted['doubled']}")
        print(f"seed {seed}: SMS not sent that went without faults: {found['unsent_sms']}")
        print(f"seed {seed}: wrong reports {found['wrong_reports']}")
        print(f"seed {seed}: OTP answers {dict(faulted['otp_answers'])}, console {faulted['console']}")
        technical = Counter(i.get("reason", "")[:70] for i in faulted["outbox"] if i["status"] == "technical-failure")
        print(f"seed {seed}: technical failures {dict(technical)}")
        dead = faulted["dead_letters"]
        for queue, bodies in dead.items():
            print(f"seed {seed}: dead letters in {queue}: {len(bodies)}, e.g. {bodies[0][:200]}")
        for line in faulted["gave_up"]:
            print(f"seed {seed}: {line}")
        results.append((seed, found, ratio, sum(len(b) for b in dead.values()) + len(faulted["gave_up"])))
    worst = max(results, key=lambda r: (r[1]["lost"] + r[1]["doubled"], r[2]))
    print(
        json.dumps(
            {
                "bench": "faults",
                "ratio": round(max(r[2] for r in results), 3),
                "lost": sum(r[1]["lost"] for r in results),
                "doubled": sum(r[1]["doubled"] for r in results),
                "wrong_reports": sum(len(r[1]["wrong_reports"]) for r in results),
                "dead_letters": sum(r[3] for r in results),
                "unsent_sms": sum(r[1]["unsent_sms"] for r in results),
                "console_refused": sum(1 for r in [base, *faulted_days] for status in r["console"] if status != 200),
                "seeds": [r[0] for r in results],
                "scale": args.scale,
                "calls": args.calls,
                "kills": args.kills,
                "worst_seed": worst[0],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
