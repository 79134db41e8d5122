"""The unit lane: no broker, no subprocess.

Starting a process here fails the test, so a test that needs one is moved to
`tests/integration/` instead of slowing this lane down unnoticed. The broker
fixtures live in `tests/integration/conftest.py` and cannot be requested here.
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(
            f"a unit test started a process ({args[0] if args else kwargs}): "
            "move it to tests/integration/"
        )

    monkeypatch.setattr(subprocess, "Popen", refuse)
