"""Every SMS the local SNS took, in a file of the stack's state (`<state>/sms.jsonl`), one line each.

moto's `data.json` keeps only the latest 1,000 (local/moto/server.py); a soak (bench/faults.py)
needs the whole day to tell an SMS sent twice. The phone is kept as a digest (no phone in clear on
disk), with the message id SNS answered and the text.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from local.pump.event_pump import RecordedSms


def phone_digest(phone: str) -> str:
    return hashlib.sha256(phone.encode()).hexdigest()[:20]


class SmsRecord:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def __call__(self, sms: list[RecordedSms]) -> None:
        lines = "".join(
            json.dumps({"message_id": m.message_id, "phone": phone_digest(m.phone), "text": m.text}) + "\n" for m in sms
        )
        with self._lock, self._path.open("a") as out:
            out.write(lines)
