"""Reading the output topics and checking them: first arrival and count of every key
(`Reading`, `read_outputs`), what is missing, unexpected or repeated, the rate by
broker timestamps, and the dead letters.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from stream.cli.tail import read_all
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import partitions_of
from stream.settings import Settings

from .harness import STOP_TIMEOUT_S

# After the last expected record, keep reading this long to count repeats.
GRACE_S = 1.0
# A run ends, incomplete, when no expected record arrived for this long: slow is
# measured however slow, stuck is reported.
STALL_S = 60.0
FETCH_BYTES = 4_194_304


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


def stamped_rate(pages: int, reading: Reading) -> float | None:
    """Pages per second between the first and the last expected output, by the broker
    timestamps its producer set: no reader or start-up time in it."""
    if reading.first_ms is None or reading.last_ms is None or reading.last_ms <= reading.first_ms:
        return None
    return pages / ((reading.last_ms - reading.first_ms) / 1e3)


async def dead_letters(settings: Settings) -> int:
    assert settings.bootstrap_servers
    return len(await read_all(settings, settings.bootstrap_servers, settings.topic_dlq, idle_s=0.5))


def names(settings: Settings) -> dict[str, str]:
    return {settings.topic_articles: "articles", settings.topic_teasers: "unique teasers"}
