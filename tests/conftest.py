"""What both lanes share: the sample pages and `require_tool`.

`tests/unit/` needs no broker and starts no process; `tests/integration/` starts
real brokers and `stream run` processes (its own conftest has those fixtures).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_000 = FIXTURES / "000_4065343f77174ab1.txt"
SAMPLE_002 = FIXTURES / "002_9b520bc063ecabc6.txt"


def require_tool(name: str, package: str) -> str:
    """The path of a command-line tool; skip without it, but fail in CI, which installs it."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path
