"""Child processes driven from outside: `stream run` workers and other local servers.

Workers run as real `python -m stream run` processes (what operators run), so
SIGTERM and SIGKILL mean what they mean in production. `stream demo` starts its
worker with this module, as the integration tests and the benchmarks start theirs.
A process's output goes to a log file that failure messages quote, or, with no
log file, to the parent's own terminal (the demo's case). Failures raise
`StreamError`, which the CLI reports as a one-line message.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from stream.errors import StreamError
from stream.kafka.embedded import free_port
from stream.metrics import parse_exposition
from stream.settings import Settings

READY_TIMEOUT_S = 45.0
STOP_TIMEOUT_S = 30.0
# What a failure message quotes of a process's log: its last lines, not megabytes.
_LOG_TAIL_CHARS = 4000
_POLL_S = 0.1
# A server bound to every interface is reached on the loopback one.
_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """(status, body) of a GET; an HTTP error status is an answer, not an exception."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def worker_env(settings: Settings, **overrides: Any) -> dict[str, str]:
    """The environment of a child worker: exactly `settings` (with `overrides`), at
    INFO unless `log_level` is overridden; the parent's own `STREAM_*` are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAM_")}
    env.update(settings.model_copy(update={"log_level": "INFO", **overrides}).as_environment())
    return env


@dataclass
class ChildProcess:
    """One child process serving HTTP on `host:port`, ready when `ready_path`
    answers 200; `label` names it in failures."""

    label: str
    process: subprocess.Popen[bytes]
    port: int
    ready_path: str
    host: str = "127.0.0.1"
    log_path: Path | None = None
    http_timeout: float = 2.0

    @classmethod
    def launch(
        cls,
        label: str,
        argv: Sequence[str],
        *,
        port: int,
        ready_path: str,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        host: str = "127.0.0.1",
        http_timeout: float = 2.0,
    ) -> Self:
        if log_path is None:
            process = subprocess.Popen(list(argv), env=env)
        else:
            with log_path.open("ab") as log_file:
                process = subprocess.Popen(
                    list(argv), env=env, stdout=log_file, stderr=subprocess.STDOUT
                )
        host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
        return cls(label, process, port, ready_path, host, log_path, http_timeout)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log(self) -> str:
        """The end of the process's log; empty when its output went to the terminal."""
        if self.log_path is None:
            return ""
        return self.log_path.read_text(errors="replace")[-_LOG_TAIL_CHARS:]

    def _failure(self, message: str) -> StreamError:
        log = self.log()
        return StreamError(f"{message}:\n{log}" if log else message)

    def get(self, path: str) -> tuple[int, bytes]:
        return http_get(self.base_url + path, timeout=self.http_timeout)

    def wait_ready(self, timeout: float = READY_TIMEOUT_S, interval: float = _POLL_S) -> float:
        """Seconds until `ready_path` answered 200; raises with the log if the process
        exits first or it never does."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise self._failure(f"{self.label} exited with code {self.process.returncode}")
            with contextlib.suppress(OSError):
                if self.get(self.ready_path)[0] == 200:
                    return time.monotonic() - started
            time.sleep(interval)
        raise self._failure(
            f"{self.label} was not ready within {timeout:.0f} s ({self.base_url}{self.ready_path})"
        )

    def wait_log(self, text: str, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds until `text` shows in the process's log; raises with the log otherwise."""
        assert self.log_path is not None, f"{self.label} has no log file"
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if text in self.log_path.read_text(errors="replace"):
                return time.monotonic() - started
            time.sleep(_POLL_S)
        raise self._failure(f"{text!r} not in the log of {self.label} after {timeout} s")

    def stop(
        self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT_S, *, strict: bool = True
    ) -> int:
        """Send `sig` and wait for the exit code; a process still running after
        `timeout` is killed, and, if `strict`, that is an error."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired as exc:
                self.process.kill()
                self.process.wait()
                if strict:
                    raise self._failure(
                        f"{self.label} ignored signal {sig} for {timeout} s"
                    ) from exc
        return int(self.process.returncode)


class WorkerProcess(ChildProcess):
    """One `stream run` process on a port of its own."""

    @classmethod
    def start(
        cls,
        settings: Settings,
        log_dir: Path | None = None,
        name: str = "worker",
        *,
        port: int | None = None,
        **overrides: Any,
    ) -> WorkerProcess:
        """A started worker with `settings` (and `overrides`) on `port` (a free one
        by default); its log in `log_dir` (named for `name` and its port), or on the
        terminal without one."""
        port = free_port() if port is None else port
        return cls.launch(
            name,
            [sys.executable, "-m", "stream", "run"],
            port=port,
            ready_path="/readyz",
            env=worker_env(settings, web_port=port, **overrides),
            log_path=None if log_dir is None else log_dir / f"{name}-{port}.log",
            host=settings.web_host,
        )

    @property
    def web_port(self) -> int:
        return self.port

    def metrics(self) -> dict[str, float]:
        """`name{labels}` -> value of the worker's stream_* samples."""
        return parse_exposition(self.get("/metrics")[1].decode(), prefix="stream_")


def accounted_in(samples: dict[str, float]) -> tuple[float, float]:
    """(pages, teaser sightings) a worker has finished, from its /metrics samples."""
    pages = sum(v for k, v in samples.items() if k.startswith("stream_pages_total"))
    teasers = sum(v for k, v in samples.items() if k.startswith("stream_teasers_total"))
    return pages, teasers


@contextlib.contextmanager
def running_worker(
    settings: Settings,
    log_dir: Path | None = None,
    name: str = "worker",
    *,
    ready_timeout: float = READY_TIMEOUT_S,
    strict: bool = True,
    **overrides: Any,
) -> Iterator[WorkerProcess]:
    """A started and ready worker, stopped (SIGTERM) on leaving, whatever happened."""
    worker = WorkerProcess.start(settings, log_dir, name, **overrides)
    try:
        worker.wait_ready(ready_timeout)
        yield worker
    finally:
        worker.stop(strict=strict)
