"""`python -m local.moto_server -H 127.0.0.1 -p 5000`: moto's server with IAM enforced from its first
request (the local stack's AWS). Every request must carry keys moto issued: the operator's `testing`
(every permission: the stack's set-up, an agency uploading by hand, `make clock`, `make report`) or
a function's assumed role (local/functions.py), which carries exactly its packaged policy."""

from __future__ import annotations

import os
import sys

from local.env import ACCOUNT


def main(argv: list[str]) -> None:
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # read by moto.settings at import: enforce at once
    from moto import server

    from local import botocore_models, moto_iam

    botocore_models.share()
    moto_iam.install()
    moto_iam.create_operator(os.environ.get("MOTO_ACCOUNT_ID", ACCOUNT))
    server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
