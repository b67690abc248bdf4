"""One botocore data loader for the whole process (development only: the local stack, the tests).

Every botocore session reads each service's model and the endpoint data from disk again (~50 ms a
session). PynamoDB makes a session per model class and thread, and the local stack runs every
function in one process under its own credentials, so a test made dozens of sessions and spent most
of its time parsing the same JSON. In Lambda a process is one function and makes a few sessions
once; nothing there needs this.
"""

from __future__ import annotations

import threading
from typing import Any

_loaders: dict[str | None, Any] = {}
_lock = threading.Lock()


class _Paths(list):
    """A loader's search paths that stay unique: boto3 appends its own path for every session."""

    def append(self, path: Any) -> None:
        if path not in self:
            super().append(path)


def share() -> None:
    """Make every botocore session of this process use one loader per data path (idempotent)."""
    import botocore.session
    from botocore.loaders import create_loader

    if getattr(botocore.session.create_loader, "shared", False):
        return

    def shared_loader(search_path_string: str | None = None) -> Any:
        with _lock:
            if search_path_string not in _loaders:
                loader = create_loader(search_path_string)
                loader._search_paths = _Paths(loader.search_paths)
                _loaders[search_path_string] = loader
            return _loaders[search_path_string]

    shared_loader.shared = True  # type: ignore[attr-defined]
    botocore.session.create_loader = shared_loader  # type: ignore[assignment]
