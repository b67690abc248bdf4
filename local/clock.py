"""`make clock AT=2026-12-24T08:00`: move the local stack's clock forward (never back).

The running stack's pump notices and fires every schedule whose time passed on the way.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from chalicelib.domain.clock import ICT
from local.env import ROOT
from local.pump.clock_file import write_target


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m local.clock 2026-12-24T08:00", file=sys.stderr)
        return 2
    try:
        at = datetime.fromisoformat(argv[0])
    except ValueError:
        print(f"not a time: {argv[0]!r} (want YYYY-MM-DDTHH:MM, Asia/Ho_Chi_Minh)", file=sys.stderr)
        return 2
    at = at if at.tzinfo else at.replace(tzinfo=ICT)
    state = Path(os.environ.get("BHXH_STATE_DIR", ROOT / ".local"))
    offset = write_target(str(state / "clock.json"), at)
    now = datetime.fromtimestamp(datetime.now().timestamp() + offset, ICT)
    print(f"local clock now {now.isoformat(timespec='minutes')}; the running stack fires what was due on the way")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
