"""What the real Chalice app answers a test client (chalice.test.Client): the status, the JSON body
(or the raw one where it is not JSON) and the headers, lower-cased. One shape for the lookup API's
tests and the console's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


def answer_of(response: Any) -> Answer:
    try:
        body = json.loads(response.body) if response.body else None
    except ValueError:
        body = response.body
    return Answer(response.status_code, body, {k.lower(): v for k, v in response.headers.items()})
