"""Running the real `stream` command as a user does: a fresh environment, the
local broker on a port of the test's own, stdout and stderr kept apart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from stream.kafka.embedded import free_port
from stream.testing.workers import ChildProcess

STREAM = [sys.executable, "-m", "stream"]


def user_env(**settings: Any) -> dict[str, str]:
    """The parent's environment without its STREAM_* variables, plus `settings`
    (`local_broker_port=N` becomes STREAM_LOCAL_BROKER_PORT=N)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAM_")}
    env.update({f"STREAM_{name.upper()}": str(value) for name, value in settings.items()})
    return env


def stream(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`stream ARGS...` to its end; stdout and stderr as text."""
    return subprocess.run(
        [*STREAM, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The command's stderr, asserted to be one line without a traceback."""
    message = done.stderr.strip()
    assert "Traceback" not in message, message
    assert "\n" not in message, message
    return message


def start_broker(env: dict[str, str], log_dir: Path, *args: str) -> ChildProcess:
    """`stream broker ARGS...`, returned once it says it is ready."""
    broker = ChildProcess.launch(
        "stream broker",
        [*STREAM, "broker", *args],
        port=free_port(),  # unused: the broker serves no HTTP
        ready_path="/",
        env=env,
        log_path=log_dir / f"broker-{free_port()}.log",
    )
    broker.wait_log("local broker ready at", timeout=30)
    return broker
