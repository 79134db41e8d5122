"""`stream demo`: the whole pipeline on the embedded broker with the bundled pages.

It starts a broker, a real `stream run` worker process, publishes the bundled
sample pages twice (so repeats show) plus one broken envelope (so a dead letter
shows), waits until the worker has accounted for every teaser sighting, counts
the outputs by reading the topics, prints a summary and stops everything.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aiokafka import AIOKafkaProducer

from stream import identity
from stream.cli.page_files import collect_pages
from stream.cli.produce import produce_pages
from stream.cli.tail import read_all
from stream.errors import StreamError
from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import EmbeddedBroker
from stream.kafka.flavour import tuned_for_broker
from stream.kafka.topics import ensure_topics
from stream.metrics import parse_exposition
from stream.parse import parse_page
from stream.settings import Settings
from stream.testing.workers import accounted_in, running_worker
from stream.testing.workers import http_get as _get

REPEAT = 2
READY_TIMEOUT_S = 60.0
DRAIN_TIMEOUT_S = 120.0
BROKEN_ENVELOPE = b'{"url": "https://example.invalid/broken", "body": '


def bundled_pages() -> Path:
    return Path(str(resources.files("stream") / "data" / "pages"))


def expected_sightings(folder: Path) -> int:
    """Distinct teasers per page, summed: what the worker must account for per pass."""
    today = dt.datetime.now(dt.UTC).date()
    total = 0
    for page in collect_pages([folder]):
        parsed = parse_page(page.path.read_text("utf-8"), reference_date=today)
        total += len({identity.teaser_id(t.headline, t.lead) for t in parsed.teasers})
    return total


@dataclass
class Summary:
    pages_sent: int
    articles: int
    unique_teasers: int
    near_duplicates: int
    repeats: int
    dead_letters: int
    seconds: float
    metrics_url: str

    def render(self) -> str:
        rate = self.pages_sent / self.seconds if self.seconds else 0.0
        return "\n".join(
            [
                "stream demo: done",
                f"  pages sent          {self.pages_sent:>6}  (bundled pages x{REPEAT}, "
                "plus 1 broken envelope)",
                f"  articles            {self.articles:>6}  (articles.parsed)",
                f"  unique teasers      {self.unique_teasers:>6}  (teasers.unique; "
                f"{self.near_duplicates} flagged near-duplicate)",
                f"  repeats dropped     {self.repeats:>6}",
                f"  dead letters        {self.dead_letters:>6}  (pages.dlq)",
                f"  time                {self.seconds:>6.2f} s from first page to last output "
                f"({rate:.1f} pages/s)",
                f"  metrics were at     {self.metrics_url}",
            ]
        )


def run_demo(settings: Settings, *, keep_running: bool = False) -> int:
    with contextlib.ExitStack() as stack:
        if settings.bootstrap_servers:
            bootstrap = settings.bootstrap_servers
        else:
            # A broker of its own on a free port: the demo's pages stay out of the local one.
            bootstrap = stack.enter_context(EmbeddedBroker()).bootstrap_servers
        settings = asyncio.run(tuned_for_broker(settings, bootstrap))
        # A fresh group and topic names per run, so a demo on a shared cluster stays apart.
        run_id = f"demo-{os.getpid()}-{int(time.time())}"
        settings = settings.model_copy(
            update={"app_id": f"stream-{run_id}"}
            | {
                name: f"{run_id}.{getattr(settings, name)}"
                for name in Settings.model_fields
                if name.startswith("topic_") and settings.bootstrap_servers
            }
        )
        asyncio.run(ensure_topics(settings, bootstrap))
        worker = stack.enter_context(
            running_worker(
                settings,
                name="the demo worker",
                ready_timeout=READY_TIMEOUT_S,
                strict=False,
                bootstrap_servers=bootstrap,
                # faust warns about routine back-pressure; the demo's reader wants the summary.
                log_level="ERROR",
                # The demo's group is new each run: its RocksDB tables are of no later use.
                data_dir=stack.enter_context(tempfile.TemporaryDirectory(prefix="stream-demo-")),
            )
        )
        metrics_url = f"{worker.base_url}/metrics"
        folder = bundled_pages()
        started = time.perf_counter()
        report = asyncio.run(
            produce_pages(
                settings, bootstrap, collect_pages([folder]), repeat=REPEAT, progress=False
            )
        )
        asyncio.run(_send_raw(settings, bootstrap, BROKEN_ENVELOPE))
        sightings = expected_sightings(folder) * REPEAT
        counts = _wait_drained(metrics_url, sightings=sightings, pages=report.pages + 1)
        seconds = time.perf_counter() - started
        topics = asyncio.run(_count_topics(settings, bootstrap))
        summary = Summary(
            pages_sent=report.pages + 1,
            articles=topics[settings.topic_articles],
            unique_teasers=topics[settings.topic_teasers],
            near_duplicates=int(counts.get('stream_teasers_total{result="near_duplicate"}', 0)),
            repeats=int(counts.get('stream_teasers_total{result="repeat"}', 0)),
            dead_letters=topics[settings.topic_dlq],
            seconds=seconds,
            metrics_url=metrics_url,
        )
        print(summary.render(), flush=True)
        if keep_running:
            print(f"worker still running; metrics at {metrics_url}; Ctrl-C to stop", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                worker.process.wait()
    return 0


def scrape(metrics_url: str) -> dict[str, float]:
    """`name{labels}` -> value for the stream_* samples of a /metrics page."""
    _, body = _get(metrics_url)
    return parse_exposition(body.decode(), prefix="stream_")


def _wait_drained(metrics_url: str, *, sightings: int, pages: int) -> dict[str, float]:
    """Until every page and every sighting is accounted for in the worker's counters."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            samples = scrape(metrics_url)
            done_pages, done_teasers = accounted_in(samples)
            if done_pages >= pages and done_teasers >= sightings:
                return samples
        time.sleep(0.2)
    raise StreamError(f"the worker did not process the demo pages within {DRAIN_TIMEOUT_S:.0f} s")


async def _send_raw(settings: Settings, bootstrap: str, value: bytes) -> None:
    producer = AIOKafkaProducer(**client_kwargs(settings, bootstrap))
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic_pages, value)
    finally:
        await producer.stop()


async def _count_topics(settings: Settings, bootstrap: str) -> dict[str, int]:
    """Records per output topic, counted by reading them (end offsets can under-report)."""
    names = [settings.topic_articles, settings.topic_teasers, settings.topic_dlq]
    return {name: len(await read_all(settings, bootstrap, name)) for name in names}


def command(settings: Settings, args: argparse.Namespace) -> int:

    return run_demo(settings, keep_running=args.keep_running)
