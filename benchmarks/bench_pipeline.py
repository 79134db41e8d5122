"""Throughput, latency, stage cost and dedup memory of the whole pipeline (issue 7).

One run, one broker (the embedded Tansu, or with `--broker kafka` one Apache Kafka
node as the integration fixtures start it), fresh topics and consumer group per
measurement, the same synthetic crawl feed (`stream.testing.feed.crawl_feed`: a sliding
"latest news" window, a few new teasers per page) for (a), (b) and the scale-out:

- (a) the raw limit: `benchmarks/passthrough.py`, an aiokafka consume -> produce
  copy of the pages, no processing, in a process of its own;
- (b) one `python -m stream run` worker: pages/s from the first page sent to the
  last expected output read (every article and every unique teaser), fed live;
- (c) end-to-end latency (page sent -> its article and its first-sighted teasers
  readable) at a fixed offered rate of half of (b), on a fresh worker;
- (d) parse, dedup and enrichment cost per page, in process, over the feed's pages
  with `stream.pipeline`'s stage functions, and the worker's own `stream_stage_seconds`;
- (e) resident memory per distinct teaser in the dedup state, memory and rocksdb
  stores (`benchmarks/dedup_memory.py`, a fresh process per store);
- scale-out: the same feed with 2 workers on the same partitions.

Outputs are checked exactly (every article, the exact unique teaser id set, no dead
letters; repeats are reported): a wrong result is printed loudly and the exit code
is 1. Counts come from reading the topics, never from end offsets, which Tansu
under-reports.

    python benchmarks/bench_pipeline.py                 # the table
    python benchmarks/bench_pipeline.py --json          # one JSON object
    python benchmarks/bench_pipeline.py --small         # a quick run (CI)
    python benchmarks/bench_pipeline.py --profile prof  # py-spy speedscope file per process
    python benchmarks/bench_pipeline.py --fetch-max-wait-ms 500   # Tansu's fetch wait

On a shared or small machine the broker, the worker(s) and this process compete for
the same cores: the load average is printed with the results; read them with it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bench_parse  # a sibling: benchmarks/ is on sys.path when run as a script
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from stream import codec, identity, pipeline
from stream.cli.produce import crawler_producer
from stream.cli.tail import read_all
from stream.dedup import RecentlyForwarded, first_sightings, record_seen, route_sightings
from stream.enrich import neardup
from stream.errors import StreamError
from stream.intake import InputMessage
from stream.kafka import group
from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import EmbeddedBroker
from stream.kafka.topics import (
    INDEX_TABLE,
    SEEN_TABLE,
    changelog_topic,
    ensure_topics,
    partitions_of,
)
from stream.metrics import parse_exposition
from stream.models import TeaserBatch
from stream.settings import Settings
from stream.testing.apache_kafka import ApacheKafka, missing_reason
from stream.testing.feed import (
    FeedPage,
    FeedTeaser,
    crawl_feed,
    distinct_teasers,
    history_teasers,
)
from stream.testing.workers import READY_TIMEOUT_S, WorkerProcess, worker_env

HERE = Path(__file__).resolve().parent

# The feed of issue 7: what a crawler of a few news sites sends.
WINDOW, NEW_PER_PAGE, SITES = 100, 3, 4
TARGET_RATIO = 0.5
# Issue 14: on preloaded topics, one worker.
TARGET_PAGES_S = 1_000.0
TARGET_RATIO_PRELOADED = 0.1
TARGET_FLATNESS = 0.9
TARGET_STATE_BYTES = 500.0
TARGET_P99_MS = 250.0
TARGET_BYTES_PER_TEASER = 200.0
TARGET_PARSE_US = bench_parse.BUDGET_US
STAGES = ("parse", "dedup", "enrich", "publish")
# After the last expected record, keep reading this long to count repeats.
GRACE_S = 1.0
# A run ends, incomplete, when no expected record arrived for this long: slow is
# measured however slow, stuck is reported.
STALL_S = 60.0
# A rate over less than this is mostly start-up and the feed's first full windows.
MIN_SUSTAINED_S = 10.0
STOP_TIMEOUT_S = 30.0
FETCH_BYTES = 4_194_304

Message = tuple[bytes | None, bytes, list[tuple[str, bytes]]]
Broker = EmbeddedBroker | ApacheKafka


class HarnessError(Exception):
    """The benchmark could not measure (a process died, never got ready, timed out)."""


# -- the feed --------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """Pages as sent, and exactly what the pipeline must make of them.

    `unique_ids` are the teasers these pages show first: all of them for a feed from
    its start, only those no earlier page showed for a continuation (`then`).
    """

    pages: list[FeedPage]
    messages: list[Message]
    page_ids: list[str]
    unique_ids: frozenset[str]

    @classmethod
    def build(cls, count: int) -> Feed:
        pages = list(crawl_feed(count, window=WINDOW, new_per_page=NEW_PER_PAGE, sites=SITES))
        unique = frozenset(t.teaser_id for p in pages for t in p.teasers)
        expected = distinct_teasers(count, window=WINDOW, new_per_page=NEW_PER_PAGE, sites=SITES)
        if len(unique) != expected:
            raise HarnessError(
                f"the feed has {len(unique)} distinct teaser ids where distinct_teasers() says "
                f"{expected}: stream.testing.feed and its count disagree; fix the feed first"
            )
        return cls._of(pages, unique)

    @classmethod
    def _of(cls, pages: list[FeedPage], unique: frozenset[str]) -> Feed:
        messages = [p.message() for p in pages]
        ids = [p.page_id for p in pages]
        return cls(pages=pages, messages=messages, page_ids=ids, unique_ids=unique)

    def then(self, count: int) -> Feed:
        """The `count` pages the crawl sends after these (the feed is prefix-stable)."""
        whole = Feed.build(len(self.pages) + count)
        later = whole.pages[len(self.pages) :]
        return Feed._of(later, whole.unique_ids - self.unique_ids)

    def pipeline_outputs(self, settings: Settings) -> dict[str, frozenset[bytes]]:
        return {
            settings.topic_articles: frozenset(pid.encode() for pid in self.page_ids),
            settings.topic_teasers: frozenset(tid.encode() for tid in self.unique_ids),
        }

    def passthrough_outputs(self, settings: Settings) -> dict[str, frozenset[bytes]]:
        return {settings.topic_articles: frozenset(m[0] for m in self.messages if m[0])}


# -- settings and processes ---------------------------------------------------------------


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
            [sys.executable, str(HERE / script), "--ready-file", str(ready)],
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


# -- feeding and reading ------------------------------------------------------------------


@dataclass
class Reading:
    """What a reader saw of the output topics: first arrival of each key, and counts.

    Keys in `earlier` (outputs of pages sent before this run, on the same topics)
    are passed over; `caught_up` is set once all of them were read.
    """

    expected: dict[str, frozenset[bytes]]
    earlier: dict[str, frozenset[bytes]]
    arrivals: dict[str, dict[bytes, float]] = field(default_factory=dict)
    counts: dict[str, Counter[bytes]] = field(default_factory=dict)
    # teaser id -> first_page_id, when the reader was asked to decode teasers.
    first_pages: dict[bytes, str] = field(default_factory=dict)
    complete_at: float | None = None
    # Broker timestamps (ms, CreateTime: when the producer sent it) of the first and
    # the last expected record: the rate of a run that did not wait for this reader.
    first_ms: int | None = None
    last_ms: int | None = None
    stalled: bool = False
    assigned: asyncio.Event = field(default_factory=asyncio.Event)
    caught_up: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.arrivals = {topic: {} for topic in self.expected}
        self.counts = {topic: Counter() for topic in self.expected}

    def missing(self) -> dict[str, int]:
        return {
            topic: len(keys - self.arrivals[topic].keys()) for topic, keys in self.expected.items()
        }

    def unexpected(self) -> dict[str, int]:
        return {
            topic: len(self.arrivals[topic].keys() - keys) for topic, keys in self.expected.items()
        }

    def repeats(self) -> dict[str, int]:
        return {topic: sum(n - 1 for n in self.counts[topic].values()) for topic in self.expected}

    def problems(self, names: dict[str, str]) -> list[str]:
        found = []
        for topic, n in self.missing().items():
            if n:
                found.append(f"{n} of {len(self.expected[topic])} {names[topic]} never arrived")
        if self.stalled and any(self.missing().values()):
            found.append(f"(none for {STALL_S:.0f} s: lost, or the worker is stuck; see its log)")
        for topic, n in self.unexpected().items():
            if n:
                found.append(f"{n} {names[topic]} that the feed cannot produce")
        return found


async def read_outputs(
    settings: Settings, reading: Reading, *, deadline: float, decode_teasers: bool = False
) -> None:
    """Read the output topics from the beginning until every expected key arrived
    (then `GRACE_S` more, for repeats), none arrived for `STALL_S`, or `deadline`
    (perf_counter) passed.

    Kept cheap, keys only, so the reader takes as little CPU from the worker as it
    can; with `decode_teasers` it also reads `first_page_id` (orjson, no models).
    """
    assert settings.bootstrap_servers
    consumer = AIOKafkaConsumer(
        **client_kwargs(settings, settings.bootstrap_servers),
        enable_auto_commit=False,
        max_partition_fetch_bytes=FETCH_BYTES,
        fetch_max_bytes=FETCH_BYTES * 4,
        # Tansu holds a fetch over several partitions for its whole wait: with
        # aiokafka's 500 ms the reader alone added up to 500 ms to every latency.
        fetch_max_wait_ms=settings.fetch_max_wait_ms or 500,
    )
    await consumer.start()
    try:
        consumer.assign(
            [
                TopicPartition(topic, p)
                for topic in reading.expected
                for p in await partitions_of(settings, settings.bootstrap_servers, topic)
            ]
        )
        await consumer.seek_to_beginning()
        reading.assigned.set()
        outstanding = {topic: set(keys) for topic, keys in reading.expected.items()}
        left = sum(map(len, outstanding.values()))
        earlier = {topic: set(keys) for topic, keys in reading.earlier.items()}
        behind = sum(map(len, earlier.values()))
        if not behind:
            reading.caught_up.set()
        stop_at = deadline
        progress_at = time.perf_counter()
        while time.perf_counter() < stop_at:
            batches = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            if reading.caught_up.is_set() and now - progress_at > STALL_S:
                reading.stalled = True
                break
            for tp, records in batches.items():
                topic = tp.topic
                arrivals, counts, waiting = (
                    reading.arrivals[topic],
                    reading.counts[topic],
                    outstanding[topic],
                )
                old = earlier.get(topic, set())
                decode = decode_teasers and topic == settings.topic_teasers
                for record in records:
                    key = record.key
                    if key in old:
                        old.discard(key)
                        behind -= 1
                        if not behind:
                            reading.caught_up.set()
                            progress_at = now
                        continue
                    if key in reading.earlier.get(topic, ()):
                        continue
                    counts[key] += 1
                    if key not in arrivals:
                        arrivals[key] = now
                        if key in waiting:
                            waiting.discard(key)
                            left -= 1
                            progress_at = now
                            stamp = record.timestamp
                            reading.first_ms = min(reading.first_ms or stamp, stamp)
                            reading.last_ms = max(reading.last_ms or stamp, stamp)
                        if decode:
                            reading.first_pages[key] = orjson.loads(record.value)["first_page_id"]
            if left == 0 and reading.complete_at is None:
                reading.complete_at = now
                stop_at = min(deadline, now + GRACE_S)
    finally:
        await asyncio.wait_for(consumer.stop(), STOP_TIMEOUT_S)


def tuned_producer(settings: Settings) -> AIOKafkaProducer:
    """A crawler's producer tuned for throughput, the one `stream produce` uses."""
    assert settings.bootstrap_servers
    return crawler_producer(settings, settings.bootstrap_servers)


@dataclass
class Drive:
    reading: Reading
    first_sent: float
    sent_at: list[float]
    produce_s: float

    @property
    def seconds(self) -> float | None:
        done = self.reading.complete_at
        return None if done is None else done - self.first_sent


async def drive(
    settings: Settings,
    messages: Sequence[Message],
    expected: dict[str, frozenset[bytes]],
    *,
    timeout_s: float,
    earlier: dict[str, frozenset[bytes]] | None = None,
    rate: float | None = None,
    decode_teasers: bool = False,
) -> Drive:
    """Send `messages` (as fast as possible, or at `rate` per second) while reading
    the outputs; times are `time.perf_counter()` of this process. Sending starts
    once the reader has read past the outputs of `earlier` pages."""
    reading = Reading(expected, earlier or {})
    reader = asyncio.create_task(
        read_outputs(
            settings,
            reading,
            deadline=time.perf_counter() + timeout_s + READY_TIMEOUT_S,
            decode_teasers=decode_teasers,
        )
    )
    try:
        await asyncio.wait_for(reading.assigned.wait(), READY_TIMEOUT_S)
        await asyncio.wait_for(reading.caught_up.wait(), READY_TIMEOUT_S)
    except TimeoutError:
        reader.cancel()
        raise HarnessError(
            f"the reader of {', '.join(expected)} did not get to the end of earlier outputs"
        ) from None
    producer = tuned_producer(settings)
    await producer.start()
    sent_at: list[float] = []
    try:
        first = time.perf_counter()
        pending = []
        for n, (key, value, headers) in enumerate(messages):
            if rate is not None:
                delay = first + n / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            sent_at.append(time.perf_counter())
            pending.append(
                await producer.send(settings.topic_pages, value, key=key, headers=headers)
            )
        await asyncio.wait_for(asyncio.gather(*pending), timeout_s)
        produce_s = time.perf_counter() - first
    finally:
        await asyncio.wait_for(producer.stop(), STOP_TIMEOUT_S)
    await reader
    return Drive(reading, first, sent_at, produce_s)


async def dead_letters(settings: Settings) -> int:
    assert settings.bootstrap_servers
    return len(await read_all(settings, settings.bootstrap_servers, settings.topic_dlq, idle_s=0.5))


def names(settings: Settings) -> dict[str, str]:
    return {settings.topic_articles: "articles", settings.topic_teasers: "unique teasers"}


def rate_of(pages: int, run: Drive) -> float | None:
    seconds = run.seconds
    return pages / seconds if seconds else None


# -- the measurements ---------------------------------------------------------------------


def measure_passthrough(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler
) -> dict[str, Any]:
    settings = fresh_settings(broker, "a", options)
    asyncio.run(ensure_topics(settings, broker.bootstrap_servers))
    expected = feed.passthrough_outputs(settings)
    with passthrough(settings, options, profiler), CpuMeter(broker_pid(broker)) as cpu:
        run = asyncio.run(drive(settings, feed.messages, expected, timeout_s=options.timeout_s))
    problems = run.reading.problems({settings.topic_articles: "copied pages"})
    return {
        "pages": len(feed.messages),
        "seconds": run.seconds,
        "pages_per_s": rate_of(len(feed.messages), run),
        "produce_pages_per_s": len(feed.messages) / run.produce_s,
        "repeats": sum(run.reading.repeats().values()),
        **cpu.per_page(len(feed.messages)),
        "correct": not problems,
        "problems": problems,
    }


def measure_pipeline(
    broker: Broker,
    feed: Feed,
    options: Options,
    profiler: Profiler,
    *,
    label: str,
    count: int = 1,
    latency: bool = False,
) -> tuple[dict[str, Any], set[bytes], dict[str, Any] | None]:
    """(b) with `count` workers, and the unique teaser ids it read; with `latency`,
    then (c) on the same worker, which is in its steady state by then."""
    settings = fresh_settings(broker, label, options)
    expected = feed.pipeline_outputs(settings)
    with workers(settings, options, profiler, label, count) as group:
        before = [scrape(w) for w in group]
        with CpuMeter(broker_pid(broker)) as cpu:
            run = asyncio.run(drive(settings, feed.messages, expected, timeout_s=options.timeout_s))
        after = [scrape(w) for w in group]
        rate = rate_of(len(feed.messages), run)
        c = None
        if latency and rate is not None:
            c = measure_latency(settings, feed, expected, rate / 2, options)
        letters = asyncio.run(dead_letters(settings))
    problems = run.reading.problems(names(settings))
    if letters:
        problems.append(f"{letters} dead letters; every page of the feed is a valid article")
    pages = len(feed.messages)
    unique = len(feed.unique_ids)
    repeats = run.reading.repeats()
    result: dict[str, Any] = {
        "workers": count,
        "pages": pages,
        "unique_teasers_expected": unique,
        "unique_teasers_read": len(run.reading.arrivals[settings.topic_teasers]),
        "articles_read": len(run.reading.arrivals[settings.topic_articles]),
        "article_repeats": repeats[settings.topic_articles],
        "teaser_repeats": repeats[settings.topic_teasers],
        "dead_letters": letters,
        "seconds": run.seconds,
        "pages_per_s": rate,
        "produce_pages_per_s": pages / run.produce_s,
        **cpu.per_page(pages),
        "correct": not problems,
        "problems": problems,
    }
    if count == 1:
        result.update(worker_figures(before[0], after[0], pages=pages, unique=unique))
    else:
        cpu = sum(
            done.get("process_cpu_seconds_total", 0.0) - start.get("process_cpu_seconds_total", 0.0)
            for start, done in zip(before, after, strict=True)
        )
        result["worker_cpu_us_per_page"] = cpu / pages * 1e6
        result["pages_per_worker"] = [
            sum(v for k, v in a.items() if k.startswith("stream_pages_total{")) for a in after
        ]
    return result, set(run.reading.arrivals[settings.topic_teasers]), c


def worker_figures(
    before: dict[str, float], after: dict[str, float], *, pages: int, unique: int
) -> dict[str, Any]:
    """From the worker's /metrics around (b): CPU and RSS per unit, and its stage times."""

    def delta(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    stages = {}
    for stage in STAGES:
        total = delta(f'stream_stage_seconds_sum{{stage="{stage}"}}')
        count = delta(f'stream_stage_seconds_count{{stage="{stage}"}}')
        stages[stage] = {
            "observations": int(count),
            "mean_us": total / count * 1e6 if count else None,
            "us_per_page": total / pages * 1e6,
        }
    return {
        "worker_cpu_us_per_page": delta("process_cpu_seconds_total") / pages * 1e6,
        "worker_rss_growth_bytes_per_teaser": delta("process_resident_memory_bytes") / unique,
        "worker_stage_seconds": stages,
    }


# -- preloaded topics and state (issue 14) ------------------------------------------------


async def preload_pages(settings: Settings, messages: Sequence[Message]) -> float:
    """Every page on the pages topic before anything consumes it; pages/s sent."""
    producer = tuned_producer(settings)
    await producer.start()
    try:
        first = time.perf_counter()
        pending = [
            await producer.send(settings.topic_pages, value, key=key, headers=headers)
            for key, value, headers in messages
        ]
        await asyncio.gather(*pending)
        return len(messages) / (time.perf_counter() - first)
    finally:
        await asyncio.wait_for(producer.stop(), STOP_TIMEOUT_S)


async def preload_state(settings: Settings, teasers: Iterable[FeedTeaser]) -> int:
    """`teasers` written into the changelogs of both tables as a worker that saw them
    would have written them (faust's json keys and values): `teasers-seen` first-seen
    times spread over the retention (so none expires during the run), and each
    teaser's near-duplicate record in `teasers-index`. A worker started afterwards
    restores them as a worker restarted after a month does."""
    assert settings.bootstrap_servers
    producer = AIOKafkaProducer(
        **client_kwargs(settings, settings.bootstrap_servers),
        linger_ms=20,
        max_batch_size=1_048_576,
    )
    seen, index = (changelog_topic(settings, t) for t in (SEEN_TABLE, INDEX_TABLE))
    now, retention = time.time(), settings.dedup_retention_s
    spread = random.Random(0)
    await producer.start()
    written = 0
    try:
        pending = []
        for seq, teaser in enumerate(teasers):
            tid = teaser.teaser_id
            first_seen = now - spread.uniform(0.05, 0.95) * retention
            key, record = neardup.stored_record(tid, text_of(teaser), seq, first_seen)
            partition = identity.partition_for(tid, settings.partitions)
            pending.append(
                await producer.send(
                    seen, orjson.dumps(first_seen), key=orjson.dumps(tid), partition=partition
                )
            )
            pending.append(
                await producer.send(index, orjson.dumps(record), key=orjson.dumps(key), partition=0)
            )
            written += 1
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await asyncio.wait_for(producer.stop(), STOP_TIMEOUT_S)
    return written


def text_of(teaser: FeedTeaser) -> str:
    # What the fresh agent checks: `TeaserEnricher.enrich`'s text of a teaser.
    return " ".join(part for part in (teaser.headline, teaser.lead) if part)


def measure_passthrough_preloaded(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler, *, faust: bool = False
) -> dict[str, Any]:
    """(a) on a preloaded topic: the pages are all there before the copy starts, so
    the feeder is out of the measurement (the honest denominator of the ratio).

    `faust`: the copy through the worker's own faust App (`faust_passthrough.py`), the
    floor of any faust worker on this machine, which tells faust's cost from ours.
    """
    settings = fresh_settings(broker, "a-faust" if faust else "a-pre", options)
    asyncio.run(ensure_topics(settings, broker.bootstrap_servers, changelogs=faust))
    produce_rate = asyncio.run(preload_pages(settings, feed.messages))
    expected = feed.passthrough_outputs(settings)
    script = "faust_passthrough.py" if faust else "passthrough.py"
    with (
        passthrough(settings, options, profiler, script) as pid,
        CpuMeter(broker_pid(broker)) as cpu,
    ):
        started = cpu_seconds(pid)
        run = asyncio.run(drive(settings, [], expected, timeout_s=options.timeout_s))
        used = cpu_seconds(pid) - started
    problems = run.reading.problems({settings.topic_articles: "copied pages"})
    pages = len(feed.messages)
    return {
        "pages": pages,
        "pages_per_s": stamped_rate(pages, run.reading),
        "preload_pages_per_s": produce_rate,
        "process_cpu_us_per_page": used / pages * 1e6,
        "repeats": sum(run.reading.repeats().values()),
        **cpu.per_page(pages),
        "correct": not problems,
        "problems": problems,
    }


def stamped_rate(pages: int, reading: Reading) -> float | None:
    """Pages per second between the first and the last expected output, by the broker
    timestamps its producer set: no reader or start-up time in it."""
    if reading.first_ms is None or reading.last_ms is None or reading.last_ms <= reading.first_ms:
        return None
    return pages / ((reading.last_ms - reading.first_ms) / 1e3)


def measure_state(
    broker: Broker,
    feed: Feed,
    options: Options,
    profiler: Profiler,
    *,
    state: int,
    label: str,
) -> dict[str, Any]:
    """The pipeline on a preloaded topic, one worker restarted over `state` distinct
    teasers already in its dedup and near-duplicate state (0: a fresh worker).

    The state holds `state` teasers in all: older ones (`history_teasers`, another
    seed) and the window each site shows on the feed's first page, which the worker
    saw before its restart; so those must not come out again, and every output of
    the run is still checked exactly.
    """
    settings = fresh_settings(broker, label, options)
    asyncio.run(ensure_topics(settings, broker.bootstrap_servers, changelogs=True))
    expected = feed.pipeline_outputs(settings)
    preloaded: set[str] = set()
    preload_s = 0.0
    if state:
        window = {t.teaser_id: t for page in feed.pages[:SITES] for t in page.teasers}
        history = list(history_teasers(max(0, state - len(window)), sites=SITES))
        clash = {t.teaser_id for t in history} & feed.unique_ids
        if clash:
            raise HarnessError(
                f"{len(clash)} history teasers are also in the feed; change its seed"
            )
        started = time.perf_counter()
        asyncio.run(preload_state(settings, [*history, *window.values()]))
        preload_s = time.perf_counter() - started
        preloaded = {t.teaser_id for t in history} | set(window)
        expected[settings.topic_teasers] = frozenset(
            tid.encode() for tid in feed.unique_ids - set(window)
        )
    asyncio.run(preload_pages(settings, feed.messages))
    restart = time.perf_counter()
    # Restoring a month of state from the changelogs takes a while: faust reads ~2,000
    # records a second here (two per teaser) on a shared machine, ~8,000 on a quiet one.
    ready_timeout = READY_TIMEOUT_S + state * 2e-3
    with workers(settings, options, profiler, label, ready_timeout_s=ready_timeout) as (worker,):
        ready_s = time.perf_counter() - restart
        before = scrape(worker)
        run = asyncio.run(drive(settings, [], expected, timeout_s=options.timeout_s))
        after = scrape(worker)
        letters = asyncio.run(dead_letters(settings))
    problems = run.reading.problems(names(settings))
    if letters:
        problems.append(f"{letters} dead letters; every page of the feed is a valid article")
    if problems:
        problems.append(asyncio.run(consumed_pages(settings)))
    held = int(after.get("stream_dedup_state_keys", -1))
    wanted = len(preloaded | feed.unique_ids)
    if held != wanted:
        problems.append(f"the dedup state holds {held} teasers where {wanted} were sent to it")
    pages = len(feed.messages)
    cpu = after["process_cpu_seconds_total"] - before["process_cpu_seconds_total"]
    parsed = _pages_total(after) - _pages_total(before)
    repeats = run.reading.repeats()
    return {
        "state_teasers": len(preloaded),
        "pages": pages,
        "unique_teasers_expected": len(expected[settings.topic_teasers]),
        "unique_teasers_read": len(run.reading.arrivals[settings.topic_teasers]),
        "article_repeats": repeats[settings.topic_articles],
        "teaser_repeats": repeats[settings.topic_teasers],
        "dedup_state_keys": held,
        "preload_s": preload_s,
        "ready_after_restart_s": ready_s,
        "pages_per_s": stamped_rate(pages, run.reading),
        # Per page processed between the two scrapes: a worker starts on a preloaded
        # topic before /readyz answers, so the CPU of those first pages is left out.
        "worker_cpu_us_per_page": cpu / parsed * 1e6 if parsed > 0 else None,
        "worker_rss_bytes": after.get("process_resident_memory_bytes"),
        "correct": not problems,
        "problems": problems,
    }


async def consumed_pages(settings: Settings) -> str:
    """What the group committed of the pages topic, against what the topic holds: a
    run that lost outputs says whether the pages were consumed (and marked done)."""
    servers = settings.bootstrap_servers
    assert servers
    tps = [
        (settings.topic_pages, p)
        for p in await partitions_of(settings, servers, settings.topic_pages)
    ]
    committed, _, ends = await group.offsets(
        settings, servers, tps, read_true_end=bool(settings.verify_end_offsets)
    )
    done = sum(c or 0 for c in committed.values())
    return f"the group committed {done} of the {sum(ends.values())} pages on the topic"


def _pages_total(samples: dict[str, float]) -> float:
    return sum(v for k, v in samples.items() if k.startswith("stream_pages_total{"))


def state_curve(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler, progress: Progress
) -> list[dict[str, Any]]:
    """`measure_state` at no state and at each of `options.states`, with the worker's
    RSS per distinct teaser against the run with no state."""
    curve = []
    for state in (0, *options.states):
        point = measure_state(broker, feed, options, profiler, state=state, label=f"s{state}")
        curve.append(point)
        progress(
            f"state {point['state_teasers']:,}: {point['pages_per_s'] or 0:.0f} pages/s, "
            f"ready after {point['ready_after_restart_s']:.1f} s"
        )
    base = curve[0]["worker_rss_bytes"]
    for point in curve[1:]:
        rss = point["worker_rss_bytes"]
        point["rss_bytes_per_state_teaser"] = (
            (rss - base) / point["state_teasers"] if rss is not None and base is not None else None
        )
    return curve


def measure_latency(
    settings: Settings,
    feed: Feed,
    earlier: dict[str, frozenset[bytes]],
    rate: float,
    options: Options,
) -> dict[str, Any]:
    """(c): the pages that follow `feed`, at a fixed `rate`, into a worker that has
    already seen `feed` (so the pages carry a few new teasers each, as in production).

    A page's latency runs from its send to the moment its article and every teaser
    first seen on it (`first_page_id`) were all readable.
    """
    count = max(20, math.ceil(rate * options.latency_s))
    later = feed.then(count)
    expected = later.pipeline_outputs(settings)
    run = asyncio.run(
        drive(
            settings,
            later.messages,
            expected,
            timeout_s=options.latency_s * 2 + options.timeout_s,
            earlier=earlier,
            rate=rate,
            decode_teasers=True,
        )
    )
    reading = run.reading
    problems = reading.problems(names(settings))
    done: dict[str, float] = {}
    for tid, page in reading.first_pages.items():
        done[page] = max(done.get(page, 0.0), reading.arrivals[settings.topic_teasers][tid])
    articles = reading.arrivals[settings.topic_articles]
    # The first second: the reader and the worker's fetchers settle after (b).
    warmup = min(1.0, options.latency_s / 6)
    latencies = []
    for pid, sent in zip(later.page_ids, run.sent_at, strict=True):
        arrived = articles.get(pid.encode())
        if arrived is None or sent - run.first_sent < warmup:
            continue
        latencies.append((max(arrived, done.get(pid, 0.0)) - sent) * 1000)
    latencies.sort()

    def pct(q: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] if latencies else None

    span = run.sent_at[-1] - run.first_sent
    return {
        "target_pages_per_s": rate,
        "offered_pages_per_s": (count - 1) / span if span > 0 else None,
        "pages": count,
        "new_teasers": len(later.unique_ids),
        "pages_timed": len(latencies),
        "warmup_s": warmup,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] if latencies else None,
        "correct": not problems,
        "problems": problems,
    }


def timed(fn: Callable[[], Any], into: list[float]) -> Any:
    start = time.perf_counter()
    result = fn()
    into.append((time.perf_counter() - start) * 1e6)
    return result


def distribution(runs: list[float]) -> dict[str, float | None]:
    if not runs:
        return {"mean_us": None, "p50_us": None, "p99_us": None}
    ordered = sorted(runs)
    return {
        "mean_us": statistics.fmean(ordered),
        "p50_us": ordered[len(ordered) // 2],
        "p99_us": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def measure_stages(feed: Feed, options: Options) -> dict[str, Any]:
    """(d): each stage function of `stream.pipeline`, per page, in this process.

    State evolves as in a worker: one dedup dict and one enricher store for the
    whole feed, so the first page pays for 100 new teasers and later ones for ~3.
    """
    settings = Settings(partitions=options.partitions)
    now = dt.datetime.now(dt.UTC)
    pages = feed.messages[: options.stage_pages]
    inputs = [
        InputMessage(value=value, key=key, topic=settings.topic_pages, offset=n)
        for n, (key, value, _) in enumerate(pages)
    ]
    for message in inputs[:20]:  # warm-up: regex compilation, the gazetteer, caches
        pipeline.process_page(message, settings, now=now)
    seen: dict[str, Any] = {}
    forwarded = RecentlyForwarded(settings.forward_cache_teasers, ttl_s=3_600.0)
    enricher = pipeline.TeaserEnricher({}, threshold=settings.near_duplicate_threshold)
    parse: list[float] = []
    codec_us: list[float] = []
    dedup: list[float] = []
    enrich: list[float] = []
    per_teaser: list[float] = []
    for message in inputs:
        result = timed(
            lambda m=message: pipeline.process_page(m, settings, now=now, people=enricher.people),
            parse,
        )
        if result.article is None:
            raise HarnessError(f"a feed page became a dead letter in process: {result.dead_letter}")

        def dedup_page(r: pipeline.PageResult = result) -> tuple[Any, list[Any]]:
            # Routing past the forward cache, then the owner's check and record.
            batches, _ = route_sightings([r], partitions=settings.partitions, forwarded=forwarded)
            fresh = first_sightings(batches.values(), seen)
            record_seen(seen, fresh, time.time())
            return batches, fresh

        batches, fresh = timed(dedup_page, dedup)
        # What the worker's agents encode and decode around the stages.
        timed(
            lambda r=result, b=batches: (
                [codec.loads_model(TeaserBatch, codec.dumps(x)) for x in b.values()]
                + [codec.dumps(r.article)]
            ),
            codec_us,
        )
        spent: list[float] = []
        for sighting in fresh:
            timed(lambda s=sighting: enricher.enrich(pipeline.teaser_of(s)), spent)
        per_teaser.extend(spent)
        enrich.append(sum(spent))
    samples = {}
    for name in bench_parse.PAGES:
        text = (bench_parse.FIXTURES / name).read_text(encoding="utf-8")
        samples[name] = bench_parse.measure(text, "text/plain", options.parse_iterations)
    return {
        "pages": len(inputs),
        "process_page": distribution(parse),
        "codec": distribution(codec_us),
        "dedup": distribution(dedup),
        "enrich_per_page": distribution(enrich),
        "enrich_per_new_teaser": distribution(per_teaser),
        "new_teasers": len(per_teaser),
        "parse_page_samples": samples,
    }


def measure_memory(options: Options) -> dict[str, Any]:
    results = {}
    for store in ("memory", "rocksdb"):
        command = [sys.executable, str(HERE / "dedup_memory.py"), "--store", store]
        command += ["--teasers", str(options.teasers), "--partitions", str(options.partitions)]
        command += ["--per-call", str(NEW_PER_PAGE)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise HarnessError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        report = json.loads(done.stdout)
        if report["keys_held"] != options.teasers:
            report["problems"] = [
                f"the {store} store holds {report['keys_held']} of {options.teasers} ids written"
            ]
        results[store] = report
    return results


# -- the report -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }


def row(
    name: str, value: float | None, unit: str, target: str = "", ok: bool | None = None
) -> dict[str, Any]:
    return {"measurement": name, "value": value, "unit": unit, "target": target, "pass": ok}


def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = report["passthrough"], report["pipeline"]
    c, d, e, s = report["latency"], report["stages"], report["memory"], report["scale_out"]
    ratio = report["ratio"]
    out = [
        row("(a) pass-through, aiokafka, fed live", a["pages_per_s"], "pages/s"),
        row("(b) pipeline, 1 worker, fed live", b["pages_per_s"], "pages/s"),
        row(
            "(b)/(a)",
            ratio,
            "",
            f">= {TARGET_RATIO}",
            None if ratio is None else ratio >= TARGET_RATIO,
        ),
        row("(a) broker CPU per page", a["broker_cpu_us_per_page"], "µs"),
        row("(b) worker CPU per page", b["worker_cpu_us_per_page"], "µs"),
        row("(b) broker CPU per page", b["broker_cpu_us_per_page"], "µs"),
    ]
    offered = c["offered_pages_per_s"] or 0.0
    for q in ("p50", "p95", "p99", "max"):
        value = c[f"{q}_ms"]
        target, ok = "", None
        if q == "p99":
            target = f"<= {TARGET_P99_MS:.0f} ms"
            ok = None if value is None else value <= TARGET_P99_MS
        out.append(row(f"(c) latency {q} at {offered:.0f} pages/s", value, "ms", target, ok))
    worst = max(d["parse_page_samples"].items(), key=lambda kv: kv[1]["mean_us"])
    out.append(
        row(
            f"(d) parse_page, sample {worst[0][:3]} (worst mean)",
            worst[1]["mean_us"],
            "µs",
            f"<= {TARGET_PARSE_US:.0f} µs",
            worst[1]["mean_us"] <= TARGET_PARSE_US,
        )
    )
    for key, label in (
        ("process_page", "parse stage (process_page), per feed page"),
        ("dedup", "dedup (route past the forward cache, first_sightings, record_seen), per page"),
        ("enrich_per_page", "enrichment, per page"),
        ("enrich_per_new_teaser", "enrichment, per new teaser"),
        ("codec", "codec (agents' JSON in/out), per page"),
    ):
        dist = d[key]
        out.append(row(f"(d) {label} mean", dist["mean_us"], "µs"))
        out.append(row(f"(d) {label} p99", dist["p99_us"], "µs"))
    for stage, figures in b["worker_stage_seconds"].items():
        out.append(row(f"(d) worker stage_seconds {stage}, per page", figures["us_per_page"], "µs"))
    for store, m in e.items():
        target, ok = "", None
        if store == "memory":
            target = f"<= {TARGET_BYTES_PER_TEASER:.0f} B"
            ok = m["bytes_per_teaser"] <= TARGET_BYTES_PER_TEASER
        out.append(
            row(
                f"(e) {store} store RSS per teaser, {m['teasers']:,} ids",
                m["bytes_per_teaser"],
                "B",
                target,
                ok,
            )
        )
    out.append(
        row(
            "(e) cross-check: worker RSS growth per teaser in (b)",
            b["worker_rss_growth_bytes_per_teaser"],
            "B",
        )
    )
    out.extend(curve_rows(report))
    out.append(row(f"scale-out, {s['workers']} workers, fed live", s["pages_per_s"], "pages/s"))
    out.append(row("scale-out worker CPU per page (sum)", s["worker_cpu_us_per_page"], "µs"))
    out.append(row("scale-out broker CPU per page", s["broker_cpu_us_per_page"], "µs"))
    return out


def curve_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The preloaded rows: the honest ratio and the pipeline at growing state."""
    a, ratio, flat = (
        report["passthrough_preloaded"],
        report["ratio_preloaded"],
        report["state_flatness"],
    )
    out = [
        row("(a) pass-through, preloaded topic", a["pages_per_s"], "pages/s"),
        row("(a) pass-through process CPU per page, preloaded", a["process_cpu_us_per_page"], "µs"),
    ]
    if (f := report.get("passthrough_faust_preloaded")) is not None:
        out += [
            row("(a) faust pass-through (worker's App), preloaded", f["pages_per_s"], "pages/s"),
            row("(a) faust pass-through CPU per page", f["process_cpu_us_per_page"], "µs"),
        ]
    for p in report["curve"]:
        state = f"{p['state_teasers']:,} teasers of state" if p["state_teasers"] else "no state"
        target, ok = "", None
        if not p["state_teasers"]:
            target = f">= {TARGET_PAGES_S:,.0f}"
            ok = None if p["pages_per_s"] is None else p["pages_per_s"] >= TARGET_PAGES_S
        out.append(
            row(f"(b) pipeline, preloaded topic, {state}", p["pages_per_s"], "pages/s", target, ok)
        )
        out.append(row(f"(b) worker CPU per page, {state}", p["worker_cpu_us_per_page"], "µs"))
        if p["state_teasers"]:
            out.append(
                row(f"(b) worker ready after restart, {state}", p["ready_after_restart_s"], "s")
            )
            per = p.get("rss_bytes_per_state_teaser")
            out.append(
                row(
                    f"(b) worker RSS per teaser of state, {state}",
                    per,
                    "B",
                    f"<= {TARGET_STATE_BYTES:.0f} B",
                    None if per is None else per <= TARGET_STATE_BYTES,
                )
            )
    out.append(
        row(
            "(b)/(a), both preloaded, no state",
            ratio,
            "",
            f">= {TARGET_RATIO_PRELOADED}",
            None if ratio is None else ratio >= TARGET_RATIO_PRELOADED,
        )
    )
    out.append(
        row(
            "(b) at the largest state / at the smallest",
            flat,
            "",
            f">= {TARGET_FLATNESS}",
            None if flat is None else flat >= TARGET_FLATNESS,
        )
    )
    cpu_flat = report.get("state_flatness_cpu")
    out.append(
        row(
            "(b) CPU per page at the smallest state / at the largest",
            cpu_flat,
            "",
            f">= {TARGET_FLATNESS}",
            None if cpu_flat is None else cpu_flat >= TARGET_FLATNESS,
        )
    )
    return out


def render_table(report: dict[str, Any]) -> str:
    lines = []
    width = max(len(r["measurement"]) for r in report["rows"]) + 2
    lines.append(f"{'measurement':<{width}}{'value':>12}  {'unit':<8}{'target':<14}result")
    for r in report["rows"]:
        value = r["value"]
        shown = (
            "-"
            if value is None
            else f"{value:,.3f}"
            if abs(value) < 0.1
            else f"{value:,.2f}"
            if abs(value) < 10
            else f"{value:,.0f}"
        )
        verdict = "" if r["pass"] is None else "pass" if r["pass"] else "FAIL"
        lines.append(
            f"{r['measurement']:<{width}}{shown:>12}  {r['unit']:<8}{r['target']:<14}{verdict}"
        )
    lines.append("")
    checks = report["checks"]
    for name, check in checks.items():
        state = "exact" if check["correct"] else "WRONG: " + "; ".join(check["problems"])
        lines.append(f"outputs of {name}: {state}{check.get('note', '')}")
    for warning in report["warnings"]:
        lines.append(f"warning: {warning}")
    s, m = report["settings"], report["machine"]
    lines.append("")
    lines.append(
        f"settings: broker {s['broker']}, {s['pages']} pages "
        f"({s['unique_teasers']} distinct teasers, window {WINDOW}, "
        f"{NEW_PER_PAGE} new per page, {SITES} sites), {s['partitions']} partitions, "
        f"fetch_max_wait_ms={s['fetch_max_wait_ms']}, worker store {s['store']}, "
        f"latency phase {s['latency_s']:.0f} s, dedup memory at {s['teasers']:,} ids"
    )
    lines.append(
        f"machine: {m['cpu_count']} CPUs ({m['cpus_usable']} usable), Python {m['python']}, "
        f"load average {m['load_average']} at start, {report['machine_end']['load_average']} "
        f"at end; broker, worker(s) and this process share these CPUs, so with "
        f"{m['cpu_count']} cores the scale-out figure measures overhead, not speed-up"
    )
    for label, summary in report.get("profiles", {}).items():
        lines.append("")
        lines.append(f"profile {label}: {summary['file']} ({summary['samples_s']} s sampled)")
        lines.append("  self time: " + ", ".join(f"{n} {p}%" for n, p in summary["self_pct"][:8]))
        lines.append(
            "  self time by package: "
            + ", ".join(f"{n} {p}%" for n, p in summary["self_by_package_pct"][:8])
        )
        lines.append(
            "  stream/ inclusive: "
            + ", ".join(f"{n} {p}%" for n, p in summary["stream_inclusive_pct"][:8])
        )
    return "\n".join(lines)


class Progress:
    """One line per phase on stderr, so a long run shows where it is."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr)


def starting(options: Options) -> tuple[dict[str, Any], Progress, Feed, Profiler]:
    """What every run begins with: the machine's state, the feed, the profiler."""
    start_machine, progress = machine(), Progress()
    feed = Feed.build(options.pages)
    profiler = Profiler(options.profile_dir)
    progress(f"feed of {options.pages} pages built; starting the broker ({options.broker})")
    return start_machine, progress, feed, profiler


def run_curve(options: Options) -> dict[str, Any]:
    """`--curve`: only the preloaded pass-through and the state curve."""
    start_machine, progress, feed, profiler = starting(options)
    with start_broker(options.broker) as broker:
        a_pre = measure_passthrough_preloaded(broker, feed, options, profiler)
        progress(f"(a) pass-through, preloaded topic: {a_pre['pages_per_s'] or 0:.0f} pages/s")
        a_faust = measure_faust_floor(broker, feed, options, profiler, progress)
        curve = state_curve(broker, feed, options, profiler, progress)
    report = curve_report(options, feed, a_pre, curve, a_faust)
    report["machine"] = start_machine
    report["settings"] = {**report["settings"], "latency_s": 0.0, "teasers": 0}
    report["rows"] = curve_rows(report)
    report["correct"] = all(check["correct"] for check in report["checks"].values())
    report["warnings"] = []
    report["machine_end"] = machine()
    return report


def measure_faust_floor(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler, progress: Progress
) -> dict[str, Any]:
    a_faust = measure_passthrough_preloaded(broker, feed, options, profiler, faust=True)
    progress(f"(a) faust pass-through, preloaded topic: {a_faust['pages_per_s'] or 0:.0f} pages/s")
    return a_faust


def curve_report(
    options: Options,
    feed: Feed,
    a_pre: dict[str, Any],
    curve: list[dict[str, Any]],
    a_faust: dict[str, Any],
) -> dict[str, Any]:
    fresh, top = curve[0]["pages_per_s"], a_pre["pages_per_s"]
    flat = [p["pages_per_s"] for p in curve[1:]]
    return {
        "settings": {
            "pages": options.pages,
            "unique_teasers": len(feed.unique_ids),
            "partitions": options.partitions,
            "fetch_max_wait_ms": options.fetch_max_wait_ms,
            "store": options.store,
            "broker": options.broker,
            "states": list(options.states),
        },
        "passthrough_preloaded": a_pre,
        "passthrough_faust_preloaded": a_faust,
        "curve": curve,
        "ratio_preloaded": fresh / top if fresh and top else None,
        # Throughput at the largest state over that at the smallest (target >= 0.9).
        "state_flatness": flat[-1] / flat[0] if len(flat) > 1 and flat[0] and flat[-1] else None,
        # The same in CPU per page, smallest over largest state: on a shared machine the
        # rates of two runs minutes apart move with the load, the worker's CPU per page
        # much less (>= 0.9 is the same target: at most ~11 % more CPU per page).
        "state_flatness_cpu": _cpu_flatness(curve[1:]),
        "checks": {
            "(a) pass-through, preloaded topic": _check(a_pre),
            "(a) faust pass-through, preloaded topic": _check(a_faust),
            **{
                f"pipeline at {p['state_teasers']:,} teasers of state": {
                    **_check(p),
                    "note": _repeats_note(p["article_repeats"] + p["teaser_repeats"]),
                }
                for p in curve
            },
        },
    }


def _cpu_flatness(points: list[dict[str, Any]]) -> float | None:
    cpu = [p["worker_cpu_us_per_page"] for p in points]
    return cpu[0] / cpu[-1] if len(cpu) > 1 and cpu[0] and cpu[-1] else None


def run(options: Options) -> dict[str, Any]:
    start_machine, progress, feed, profiler = starting(options)
    with start_broker(options.broker) as broker:
        a = measure_passthrough(broker, feed, options, profiler)
        progress(f"(a) pass-through: {a['pages_per_s'] or 0:.0f} pages/s")
        a_pre = measure_passthrough_preloaded(broker, feed, options, profiler)
        progress(f"(a) pass-through, preloaded topic: {a_pre['pages_per_s'] or 0:.0f} pages/s")
        a_faust = measure_faust_floor(broker, feed, options, profiler, progress)
        b, one, c = measure_pipeline(broker, feed, options, profiler, label="b", latency=True)
        if c is None:
            raise HarnessError(f"(b) never completed, so (c) has no rate: {b['problems']}")
        progress(f"(b) 1 worker: {b['pages_per_s']:.1f} pages/s; (c) p99 {c['p99_ms'] or 0:.0f} ms")
        s, two, _ = measure_pipeline(broker, feed, options, profiler, label="scale", count=2)
        progress(f"scale-out, 2 workers: {s['pages_per_s'] or 0:.1f} pages/s")
        curve = state_curve(broker, feed, options, profiler, progress)
    identical = one == two
    s["unique_identical_to_one_worker"] = identical
    if not identical:
        s["problems"].append("the unique teaser ids of 2 workers differ from those of 1 worker")
        s["correct"] = False
    d = measure_stages(feed, options)
    progress(f"(d) stages over {d['pages']} pages in process")
    e = measure_memory(options)
    progress(f"(e) dedup memory at {options.teasers:,} ids")
    ratio = b["pages_per_s"] / a["pages_per_s"] if a["pages_per_s"] and b["pages_per_s"] else None
    preloaded = curve_report(options, feed, a_pre, curve, a_faust)
    report: dict[str, Any] = {
        **preloaded,
        "settings": {
            **preloaded["settings"],
            "latency_s": options.latency_s,
            "teasers": options.teasers,
            "stage_pages": min(options.stage_pages, options.pages),
        },
        "machine": start_machine,
        "passthrough": a,
        "pipeline": b,
        "ratio": ratio,
        "latency": c,
        "stages": d,
        "memory": e,
        "scale_out": s,
        "profiles": profiler.summary(),
    }
    report["checks"] = {
        "(a) pass-through": {**_check(a), "note": _repeats_note(a.get("repeats", 0))},
        "(b) 1 worker": {
            **_check(b),
            "note": _repeats_note(b["article_repeats"] + b["teaser_repeats"]),
        },
        **preloaded["checks"],
        "(c) latency run": _check(c),
        "scale-out": {
            **_check(s),
            "note": _repeats_note(s["article_repeats"] + s["teaser_repeats"])
            + f", unique set identical to 1 worker: {identical}",
        },
        "(e) dedup stores": {
            "correct": not any(m.get("problems") for m in e.values()),
            "problems": [p for m in e.values() for p in m.get("problems", [])],
        },
    }
    report["correct"] = all(check["correct"] for check in report["checks"].values())
    report["warnings"] = [
        f"{name} lasted {r['seconds']:.1f} s, too short for a sustained rate: raise --pages"
        for name, r in (("(a)", a), ("(b)", b), ("scale-out", s))
        if r["seconds"] is not None and r["seconds"] < MIN_SUSTAINED_S
    ]
    report["machine_end"] = machine()
    report["rows"] = rows(report)
    return report


def _check(result: dict[str, Any]) -> dict[str, Any]:
    return {"correct": result["correct"], "problems": list(result["problems"])}


def _repeats_note(repeats: int) -> str:
    return f" ({repeats} repeated records)" if repeats else " (no repeats)"


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Options]:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--quick",
        "--small",
        dest="small",
        action="store_true",
        help="a quick run (150 pages, 10,000 ids, 3 s latency, state curve at 1,000 and 5,000)",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="only the preloaded pass-through and the state curve",
    )
    parser.add_argument(
        "--states",
        help="teasers of preloaded state for the curve, comma-separated "
        "(10000,100000,1000000; 1000,5000 with --quick)",
    )
    parser.add_argument("--pages", type=int, help="feed pages for (a), (b), scale-out")
    parser.add_argument("--latency-seconds", type=float, help="length of the latency phase")
    parser.add_argument("--teasers", type=int, help="distinct ids for the dedup memory figure")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument(
        "--broker",
        choices=("tansu", "kafka"),
        default="tansu",
        help="the embedded Tansu, or one Apache Kafka node from .cache/kafka/libs",
    )
    parser.add_argument(
        "--fetch-max-wait-ms",
        type=int,
        help="consumers' fetch wait (default what `stream run` picks: 10 on Tansu, 500 on Kafka)",
    )
    parser.add_argument(
        "--store",
        choices=("memory", "rocksdb"),
        default="memory",
        help="the workers' STREAM_STORE (the dedup table; the near-duplicate table is on RocksDB)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help=f"seconds a run may take at most (it also ends after {STALL_S:.0f} s without output)",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="py-spy files here")
    parser.add_argument("--keep-logs", action="store_true", help="keep worker logs and state")
    args = parser.parse_args(argv)
    pages = args.pages or (150 if args.small else 4000)
    if pages < SITES:
        parser.error(f"--pages must be at least {SITES} (one page per site)")
    try:
        states = tuple(
            int(n)
            for n in (args.states or ("1000,5000" if args.small else "10000,100000,1000000")).split(
                ","
            )
        )
    except ValueError:
        parser.error("--states takes counts separated by commas, like 10000,100000")
    if any(n < 2 * WINDOW * SITES for n in states):
        parser.error(f"each --states count must be at least {2 * WINDOW * SITES}")
    log_dir = Path(tempfile.mkdtemp(prefix="stream-bench-"))
    options = Options(
        pages=pages,
        latency_s=args.latency_seconds or (3.0 if args.small else 20.0),
        teasers=args.teasers or (10_000 if args.small else 1_000_000),
        stage_pages=min(pages, 1000),
        parse_iterations=100 if args.small else 1000,
        partitions=args.partitions,
        fetch_max_wait_ms=args.fetch_max_wait_ms or (10 if args.broker == "tansu" else 500),
        store={"memory": "memory://", "rocksdb": "rocksdb://"}[args.store],
        broker=args.broker,
        timeout_s=args.timeout,
        log_dir=log_dir,
        profile_dir=args.profile.resolve() if args.profile else None,
        states=states,
    )
    return args, options


def main(argv: list[str] | None = None) -> int:
    args, options = parse_args(argv)
    failed = True
    try:
        report = run_curve(options) if args.curve else run(options)
        failed = not report["correct"]
    except HarnessError as exc:
        print(f"bench_pipeline: could not measure: {exc}", file=sys.stderr)
        print(f"logs kept in {options.log_dir}", file=sys.stderr)
        return 2
    finally:
        if not failed and not args.keep_logs:
            shutil.rmtree(options.log_dir, ignore_errors=True)
    print(json.dumps(report, indent=2) if args.json else render_table(report))
    if failed:
        print(
            "\n*** THE PIPELINE GAVE WRONG RESULTS: see 'outputs of' above; the figures of a "
            f"wrong run mean nothing. Logs kept in {options.log_dir}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
