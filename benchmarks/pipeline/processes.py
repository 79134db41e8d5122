"""The processes under test: `stream run` workers (one group, ready, partitions
settled) and the pass-through scripts of `benchmarks/`, each started until ready,
attached to the profiler, and stopped on leaving.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

from stream.errors import StreamError
from stream.settings import Settings
from stream.testing.workers import READY_TIMEOUT_S, WorkerProcess, worker_env

from .harness import STOP_TIMEOUT_S, HarnessError, Options
from .profiler import Profiler

BENCHMARKS = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def workers(
    settings: Settings,
    options: Options,
    profiler: Profiler,
    label: str,
    count: int = 1,
    ready_timeout_s: float = READY_TIMEOUT_S,
) -> Iterator[list[WorkerProcess]]:
    """`count` ready `stream run` workers in one group, stopped on leaving."""
    started = [WorkerProcess.start(settings, options.log_dir, f"{label}-{n}") for n in range(count)]
    try:
        for worker in started:
            try:
                worker.wait_ready(ready_timeout_s)
            except StreamError as exc:
                raise HarnessError(str(exc)) from None
        if count > 1:
            wait_group_settled(started, settings)
        for n, worker in enumerate(started):
            assert worker.process is not None
            profiler.attach(worker.process.pid, f"{label}-{n}")
        yield started
    finally:
        for worker in started:
            with contextlib.suppress(StreamError):
                worker.stop(timeout=STOP_TIMEOUT_S)
        profiler.collect()


def wait_group_settled(group: list[WorkerProcess], settings: Settings) -> None:
    """Until every worker is ready at once and the pages partitions are all assigned,
    each to one worker: the second worker's join moves partitions off the first."""
    wanted = {f"{settings.topic_pages}[{p}]" for p in range(settings.partitions)}
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            answers = [w.get("/readyz") for w in group]
            if all(status == 200 for status, _ in answers):
                assigned = [
                    {tp for tp in orjson.loads(body)["assigned"] if tp in wanted}
                    for _, body in answers
                ]
                if set().union(*assigned) == wanted and sum(map(len, assigned)) == len(wanted):
                    return
        time.sleep(0.2)
    logs = "\n".join(w.log() for w in group)
    raise HarnessError(f"{len(group)} workers did not share {wanted} in time:\n{logs}")


@contextlib.contextmanager
def passthrough(
    settings: Settings, options: Options, profiler: Profiler, script: str = "passthrough.py"
) -> Iterator[int]:
    """`benchmarks/<script>` (`passthrough.py`, aiokafka alone, or `faust_passthrough.py`,
    the worker's faust App) started, assigned, and stopped on leaving."""
    ready = options.log_dir / f"{settings.app_id}.ready"
    log_path = options.log_dir / f"{settings.app_id}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(BENCHMARKS / script), "--ready-file", str(ready)],
            env=worker_env(settings),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise HarnessError(
                    f"the pass-through never got partitions (exit code {process.poll()}):\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.1)
        profiler.attach(process.pid, script.removesuffix(".py"))
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        profiler.collect()
