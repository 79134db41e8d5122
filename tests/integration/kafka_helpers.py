"""Helpers for integration tests: producing, reading topics, waiting on workers.

The worker processes themselves are `stream.testing.workers`', which `stream demo`
and the benchmarks use too.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from stream.cli.page_files import collect_pages
from stream.cli.produce import produce_pages
from stream.cli.tail import read_all
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import ensure_topics
from stream.settings import Settings
from stream.testing.feed import FeedPage
from stream.testing.workers import WorkerProcess, accounted_in
from tests.conftest import SAMPLE_000, SAMPLE_002


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
