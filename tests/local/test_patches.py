"""moto and botocore's patches, applied from one guarded entry (local/moto/patches.py)."""

from __future__ import annotations

import threading

import botocore.session
from moto.core.authorization import ActionAuthenticatorMixin

from local.moto import patches


def test_the_tests_process_has_botocore_s_and_moto_s_patches_but_not_the_server_s() -> None:
    assert patches.applied() == {"botocore", "moto"}  # tests/conftest.py applied them at import
    assert getattr(botocore.session.create_loader, "shared", False)
    assert getattr(ActionAuthenticatorMixin._authenticate_and_authorize_normal_action, "resource_aware", False)


def test_applying_again_from_many_threads_changes_nothing() -> None:
    loader = botocore.session.create_loader
    authorise = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
    threads = [threading.Thread(target=patches.apply) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert botocore.session.create_loader is loader
    assert ActionAuthenticatorMixin._authenticate_and_authorize_normal_action is authorise
    assert patches.applied() == {"botocore", "moto"}
