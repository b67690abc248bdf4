"""`python -m local.moto.server -H 127.0.0.1 -p 5000`: the local stack's AWS, moto's server with
this project's patches (local/moto/patches.py).

IAM is enforced from its first request. Every request must carry keys moto issued: the operator's
`testing` (every permission: the stack's set-up, an agency uploading by hand, `make clock`, `make
report`) or a function's assumed role (local/stack/functions.py), which carries exactly its packaged policy.
"""

from __future__ import annotations

import os
import sys

from local.env import ACCOUNT


def main(argv: list[str]) -> None:
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # read by moto.settings at import: enforce at once
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # staff TOTP codes checked, not waved through
    from moto import server

    from local.moto import iam, patches

    patches.apply(server=True)
    iam.create_operator(os.environ.get("MOTO_ACCOUNT_ID", ACCOUNT))
    server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
