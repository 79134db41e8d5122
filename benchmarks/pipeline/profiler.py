"""`--profile`: py-spy attached to each process under test, and the summary of where
each one spent its samples (self time, by package, `stream/` inclusive).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from .harness import STOP_TIMEOUT_S, HarnessError


class Profiler:
    """py-spy attached to each process under test, one speedscope file per process.

    Attached by pid (not as the parent) so the processes start exactly as without
    it; that needs ptrace rights over a sibling: root, or kernel.yama.ptrace_scope=0.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._running: list[tuple[str, Path, subprocess.Popen[bytes]]] = []
        self.files: dict[str, Path] = {}
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            if shutil.which("py-spy") is None:
                raise HarnessError("--profile needs py-spy on PATH: pip install py-spy")

    def attach(self, pid: int, label: str) -> None:
        if self.directory is None:
            return
        out = self.directory / f"{label}.speedscope.json"
        log = self.directory / f"{label}.py-spy.log"
        with log.open("wb") as log_file:
            spy = subprocess.Popen(
                [
                    *("py-spy", "record", "--pid", str(pid), "--nonblocking"),
                    *("--format", "speedscope", "--output", str(out)),
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        time.sleep(0.5)
        if spy.poll() is not None:
            raise HarnessError(
                f"py-spy could not attach to {label} (pid {pid}): {log.read_text()[-800:]}\n"
                "it needs ptrace rights: run as root, or sysctl kernel.yama.ptrace_scope=0"
            )
        self._running.append((label, out, spy))

    def collect(self) -> None:
        """Wait for py-spy to write the files of processes that have stopped."""
        for label, out, spy in self._running:
            try:
                spy.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
                spy.wait(STOP_TIMEOUT_S)
            if out.exists():
                self.files[label] = out
        self._running.clear()

    def summary(self, top: int = 12) -> dict[str, Any]:
        return {label: top_frames(path, top) for label, path in self.files.items()}


def top_frames(path: Path, top: int) -> dict[str, Any]:
    """Where a process spent its samples: the functions on top of the stack (self),
    the packages those belong to, and the functions of `stream/` anywhere in the
    stack (inclusive, without the entry points every sample passes through)."""
    data = orjson.loads(path.read_bytes())
    frames = []
    packages = []
    in_stream = []
    for f in data["shared"]["frames"]:
        file = f.get("file") or "?"
        frames.append(f"{f['name']} ({Path(file).name})")
        packages.append(_package(file))
        in_stream.append(packages[-1] == "stream" and Path(file).name not in ENTRY_FILES)
    own: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0.0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            total += weight
            if stack:
                own[frames[stack[-1]]] += weight
                by_package[packages[stack[-1]]] += weight
            for name in {frames[i] for i in stack if in_stream[i]}:
                inclusive[name] += weight

    def share(counter: Counter[str]) -> list[list[Any]]:
        return [[name, round(100 * w / total, 1)] for name, w in counter.most_common(top)]

    return {
        "file": str(path),
        "samples_s": round(total, 2),
        "self_pct": share(own) if total else [],
        "self_by_package_pct": share(by_package) if total else [],
        "stream_inclusive_pct": share(inclusive) if total else [],
    }


# Every sample of a worker passes through these; they say nothing about the cost.
ENTRY_FILES = {"__main__.py", "cli.py"}


def _package(file: str) -> str:
    parts = Path(file).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else "?"
    if "stream" in parts:
        return "stream"
    # The standard library: name asyncio apart, it is the event loop's own cost.
    return "asyncio" if "asyncio" in parts else "stdlib/other"
