"""Helpers for integration tests: real worker processes, producing, reading topics.

Workers run as real `python -m stream run` processes (what operators run), so
SIGTERM and SIGKILL mean what they mean in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from stream.cli.page_files import collect_pages
from stream.cli.produce import produce_pages
from stream.cli.tail import read_all
from stream.kafka.embedded import free_port
from stream.kafka.topics import client_kwargs, ensure_topics
from stream.settings import Settings
from stream.testing.feed import FeedPage
from tests.conftest import SAMPLE_000, SAMPLE_002

READY_TIMEOUT_S = 45.0


def worker_env(settings: Settings, **overrides: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAM_")}
    env.update(settings.model_copy(update=overrides).as_environment())
    env["STREAM_LOG_LEVEL"] = "INFO"
    return env


@dataclass
class WorkerProcess:
    """One `stream run` process; its log is kept for the failure message."""

    settings: Settings
    log_path: Path
    web_port: int
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, settings: Settings, log_dir: Path, name: str = "worker") -> WorkerProcess:
        port = free_port()
        worker = cls(settings, log_dir / f"{name}-{port}.log", port)
        log_file = worker.log_path.open("ab")
        worker.process = subprocess.Popen(
            [sys.executable, "-m", "stream", "run"],
            env=worker_env(settings, web_port=port),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        log_file.close()
        return worker

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=2) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), error.read()

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds until /readyz said 200; fails with the worker's log otherwise."""
        started = time.monotonic()
        assert self.process is not None
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited ({self.process.returncode}):\n{self.log()}")
            with contextlib.suppress(OSError):
                if self.get("/readyz")[0] == 200:
                    return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"worker not ready in {timeout} s:\n{self.log()}")

    def wait_log(self, text: str, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds until `text` shows in the worker's log; fails with the log otherwise."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if text in self.log_path.read_text(errors="replace"):
                return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not in the worker's log after {timeout} s:\n{self.log()}")

    def metrics(self) -> dict[str, float]:
        samples: dict[str, float] = {}
        for line in self.get("/metrics")[1].decode().splitlines():
            if line.startswith("stream_"):
                name, _, value = line.rpartition(" ")
                samples[name] = float(value)
        return samples

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired as exc:
                self.process.kill()
                self.process.wait()
                raise AssertionError(
                    f"worker ignored signal {sig} for {timeout} s:\n{self.log()}"
                ) from exc
        return int(self.process.returncode)


def wait_group_ready(workers: list[WorkerProcess], timeout: float = 30.0) -> None:
    """Every worker ready at once: the group settled on all members."""
    for worker in workers:
        worker.wait_ready()
    wait_for(
        lambda: all(w.get("/readyz")[0] == 200 for w in workers),
        timeout=timeout,
        message="all workers ready\n" + "\n".join(w.log() for w in workers),
    )


@contextlib.contextmanager
def running_worker(
    settings: Settings, log_dir: Path, name: str = "worker"
) -> Iterator[WorkerProcess]:
    """A started and ready worker, stopped (SIGTERM) on leaving, whatever happened."""
    worker = WorkerProcess.start(settings, log_dir, name)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def publish_samples(settings: Settings, repeat: int = 1, raw: bool = False) -> None:
    """Both sample pages, `repeat` times over, as `stream produce` sends them."""
    assert settings.bootstrap_servers
    asyncio.run(
        produce_pages(
            settings,
            settings.bootstrap_servers,
            collect_pages([SAMPLE_000, SAMPLE_002]),
            repeat=repeat,
            raw=raw,
            progress=False,
        )
    )


def prepare(settings: Settings) -> None:
    assert settings.bootstrap_servers
    asyncio.run(ensure_topics(settings, settings.bootstrap_servers))


async def produce(
    settings: Settings,
    messages: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]],
) -> None:
    """Send (key, value, headers) messages to the pages topic and wait for acks."""
    assert settings.bootstrap_servers
    producer = AIOKafkaProducer(**client_kwargs(settings, settings.bootstrap_servers))
    await producer.start()
    try:
        futures = [
            await producer.send(settings.topic_pages, value, key=key, headers=headers)
            for key, value, headers in messages
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def read_topic(settings: Settings, topic: str, *, idle_s: float = 1.0) -> list[Any]:
    """Every record of a topic (counted by reading: Tansu's end offsets under-report)."""
    assert settings.bootstrap_servers
    return await read_all(settings, settings.bootstrap_servers, topic, idle_s=idle_s)


def produce_feed(settings: Settings, pages: list[FeedPage]) -> None:
    """Pages of `stream.testing.feed.crawl_feed`, sent as `stream produce` sends them."""
    asyncio.run(produce(settings, [page.message() for page in pages]))


def values(records: list[Any]) -> list[dict[str, Any]]:
    return [orjson.loads(r.value) for r in records]


def wait_for(predicate: Any, *, timeout: float, message: str, interval: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s: {message}")


def accounted(worker: WorkerProcess) -> tuple[float, float]:
    """(pages, teaser sightings) the worker has finished, from its own counters."""
    samples = worker.metrics()
    pages = sum(v for k, v in samples.items() if k.startswith("stream_pages_total"))
    teasers = sum(v for k, v in samples.items() if k.startswith("stream_teasers_total"))
    return pages, teasers
