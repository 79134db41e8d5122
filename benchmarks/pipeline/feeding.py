"""Getting the feed onto the pages topic: live, while a reader reads the outputs
(`drive`, at full speed or a fixed rate), or preloaded before anything consumes it;
and a month of dedup and near-duplicate state preloaded through the changelogs.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaProducer

from stream import identity
from stream.cli.produce import crawler_producer
from stream.enrich import neardup
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import INDEX_TABLE, SEEN_TABLE, changelog_topic
from stream.settings import Settings
from stream.testing.feed import FeedTeaser
from stream.testing.workers import READY_TIMEOUT_S

from .feed import Message
from .harness import STOP_TIMEOUT_S, HarnessError
from .reading import Reading, read_outputs


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


def rate_of(pages: int, run: Drive) -> float | None:
    seconds = run.seconds
    return pages / seconds if seconds else None


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
            key, record = neardup.stored_record(
                tid, neardup.teaser_text(teaser.headline, teaser.lead), seq, first_seen
            )
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
