"""Helpers for integration tests: producing, reading topics, waiting on workers.

The worker processes themselves are `stream.testing.workers`', which `stream demo`
and the benchmarks use too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from stream.cli.page_files import collect_pages
from stream.cli.produce import produce_pages
from stream.cli.tail import read_all
from stream.intake import InputMessage, encode_page
from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import free_port
from stream.kafka.topics import ensure_topics
from stream.pipeline import Outputs, Pipeline
from stream.settings import Settings
from stream.testing.feed import FeedPage, crawl_feed
from stream.testing.workers import WorkerProcess, accounted_in
from tests.conftest import SAMPLE_000, SAMPLE_002


def isolated_settings(
    bootstrap_servers: str, state: Path, *, tansu: bool, **overrides: Any
) -> Settings:
    """Settings of one test: its own topics, consumer group, state folder and web port."""
    run = uuid.uuid4().hex[:8]
    return Settings(
        bootstrap_servers=bootstrap_servers,
        app_id=f"stream-test-{run}",
        topic_pages=f"{run}.pages.raw",
        topic_articles=f"{run}.articles.parsed",
        topic_teasers=f"{run}.teasers.unique",
        topic_dlq=f"{run}.pages.dlq",
        topic_sightings=f"{run}.teasers.sightings",
        topic_fresh=f"{run}.teasers.fresh",
        partitions=4,
        # On Tansu, the adjustments `stream run` makes for its own embedded broker
        # (see Settings.for_broker); Apache Kafka needs neither.
        verify_end_offsets=tansu,
        fetch_max_wait_ms=10 if tansu else 500,
        data_dir=str(state),
        web_port=free_port(),
        **overrides,
    )


def wait_group_ready(workers: list[WorkerProcess], timeout: float = 30.0) -> None:
    """Every worker ready at once: the group settled on all members."""
    for worker in workers:
        worker.wait_ready()
    wait_for(
        lambda: all(w.get("/readyz")[0] == 200 for w in workers),
        timeout=timeout,
        message="all workers ready\n" + "\n".join(w.log() for w in workers),
    )


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


def feed_with_marker(
    pages: int, *, at: int, marker: str
) -> list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]]:
    """A small crawl feed as `stream produce` sends it, page `at` carrying `marker` (the
    body text `STREAM_TEST_FAULT_MARKER` makes the parse stage raise on)."""
    feed = list(crawl_feed(pages, window=30, new_per_page=2, sites=2))
    feed[at] = dataclasses.replace(feed[at], body=f"{feed[at].body}\n{marker}\n")
    return [page.message() for page in feed]


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
    return accounted_in(worker.metrics())


def sample_messages() -> list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]]:
    """Both sample pages and a blank one, as `produce` sends them (the blank one is a
    dead letter)."""
    messages: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]] = []
    for page in collect_pages([SAMPLE_000, SAMPLE_002]):
        key, value, headers = encode_page(
            page.path.read_bytes(),
            content_type=page.content_type,
            url=f"https://example.org/{page.path.name}",
            fetched_at=dt.datetime.now(dt.UTC),
            raw=False,
        )
        messages.append((key, value, headers))
    messages.append((b"blank", b" \n", [("content-type", b"text/plain")]))
    return messages


def reference_outputs(
    settings: Settings,
    messages: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]],
) -> Outputs:
    """What the in-process `Pipeline` makes of `messages` (key, value, headers)."""
    reference = Pipeline(settings)
    for key, value, headers in messages:
        reference.feed(InputMessage(value=value, key=key, headers=tuple(headers)))
    return reference.outputs


def read_values(settings: Settings, topic: str) -> list[dict[str, Any]]:
    """The JSON values of every record of `topic`."""
    return values(asyncio.run(read_topic(settings, topic)))


def assert_pipeline_output(
    settings: Settings,
    messages: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]],
) -> None:
    """The worker's topics hold what the in-process `Pipeline` makes of `messages`:
    the same articles, every unique teaser once, the same dead letters."""
    expected = reference_outputs(settings, messages)
    articles = values(asyncio.run(read_topic(settings, settings.topic_articles)))
    teasers = values(asyncio.run(read_topic(settings, settings.topic_teasers)))
    dead = values(asyncio.run(read_topic(settings, settings.topic_dlq)))
    assert sorted((a["headline"], a["teaser_ids"]) for a in articles) == sorted(
        (a.headline, a.teaser_ids) for a in expected.articles
    )
    ids = [t["teaser_id"] for t in teasers]
    assert len(ids) == len(set(ids)), "a teaser was published twice"
    assert set(ids) == {t.teaser_id for t in expected.teasers}
    assert sorted(d["reason"] for d in dead) == sorted(d.reason for d in expected.dead_letters)


def assert_worker_processes_samples(worker: WorkerProcess, settings: Settings) -> None:
    """The sample messages sent to a ready worker come out as `assert_pipeline_output`
    expects."""
    messages = sample_messages()
    asyncio.run(produce(settings, messages))
    wait_for(
        lambda: accounted(worker)[0] >= len(messages),
        timeout=90,
        message=f"{len(messages)} pages; got {accounted(worker)}\n{worker.log()}",
    )
    assert_pipeline_output(settings, messages)
