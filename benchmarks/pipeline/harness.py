"""What every measurement of `bench_pipeline.py` stands on: the run's `Options`, the
broker they share, fresh `Settings` (topics and group) per measurement, the CPU meter
of the broker and of this process, a worker's `/metrics` scraped, progress lines, and
`HarnessError` for a run that could not measure.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from stream.kafka.embedded import EmbeddedBroker
from stream.metrics import parse_exposition
from stream.settings import Settings
from stream.testing.apache_kafka import ApacheKafka, missing_reason
from stream.testing.workers import WorkerProcess

STOP_TIMEOUT_S = 30.0
Broker = EmbeddedBroker | ApacheKafka


class HarnessError(Exception):
    """The benchmark could not measure (a process died, never got ready, timed out)."""


@dataclass(frozen=True)
class Options:
    pages: int
    latency_s: float
    teasers: int
    stage_pages: int
    parse_iterations: int
    partitions: int
    fetch_max_wait_ms: int
    store: str
    broker: str
    timeout_s: float
    log_dir: Path
    profile_dir: Path | None
    states: tuple[int, ...] = ()
    # Consecutive runs of each state point's pages, measured apart (`--runs`).
    runs: int = 1


def fresh_settings(broker: Broker, label: str, options: Options) -> Settings:
    """Settings with topic names and a group no other measurement has used."""
    run = f"bench-{label}-{uuid.uuid4().hex[:6]}"
    # faust creates the data folder but not its parents.
    (options.log_dir / run).mkdir(parents=True)
    topics = {
        name: f"{run}.{info.default}"
        for name, info in Settings.model_fields.items()
        if name.startswith("topic_")
    }
    return Settings(
        bootstrap_servers=broker.bootstrap_servers,
        app_id=run,
        partitions=options.partitions,
        # What `stream run` does for the embedded broker (Settings.for_broker); Apache
        # Kafka reports true end offsets.
        verify_end_offsets=options.broker == "tansu",
        fetch_max_wait_ms=options.fetch_max_wait_ms,
        store=options.store,
        data_dir=str(options.log_dir / run / "state"),
        log_level="WARNING",
        **topics,
    )


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    if pid is None:
        return os.times().user + os.times().system
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_broker(kind: str) -> Broker:
    """The broker every measurement of one run shares: Tansu, or one Apache Kafka node
    started as the integration fixtures start it."""
    if kind == "kafka":
        reason = missing_reason()
        if reason is not None:
            raise HarnessError(f"--broker kafka: {reason}")
        return ApacheKafka()
    return EmbeddedBroker()


def broker_pid(broker: Broker) -> int | None:
    # The broker's CPU is half the story on Tansu.
    return broker.pid


@dataclass
class CpuMeter:
    """CPU used by the broker and by this process (producer + reader) over a run."""

    broker: int | None
    start: tuple[float, float] = (0.0, 0.0)

    def __enter__(self) -> CpuMeter:
        self.start = (cpu_seconds(self.broker), cpu_seconds(None))
        return self

    def __exit__(self, *exc: object) -> None:
        self.used = (
            cpu_seconds(self.broker) - self.start[0],
            cpu_seconds(None) - self.start[1],
        )

    def per_page(self, pages: int) -> dict[str, float]:
        return {
            "broker_cpu_us_per_page": self.used[0] / pages * 1e6,
            "bench_cpu_us_per_page": self.used[1] / pages * 1e6,
        }


def scrape(worker: WorkerProcess, patience_s: float = 300.0) -> dict[str, float]:
    """Every sample of the worker's /metrics, `name{labels}` -> value.

    A worker restarted over a month of state blocks its event loop (web server
    included) while it rebuilds the near-duplicate index: that is waited out, up
    to `patience_s`, not taken for a dead worker.
    """
    deadline = time.monotonic() + patience_s
    while True:
        try:
            status, body = worker.get("/metrics")
            break
        except OSError:  # TimeoutError and refused connections are OSErrors
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"{worker.base_url}/metrics never answered:\n{worker.log()}"
                ) from None
            time.sleep(1.0)
    if status != 200:
        raise HarnessError(f"/metrics of {worker.base_url} answered {status}:\n{worker.log()}")
    return parse_exposition(body.decode())


class Progress:
    """One line per phase on stderr, so a long run shows where it is."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr)
