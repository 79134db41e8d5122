"""Failed attempts of poison pages, kept in Kafka so that they survive restarts.

A stage that raises on a page ends the worker (exit 70, see `stream.kafka.exits`),
so the count of failed attempts cannot live in memory, and a worker's local disk
may be gone or on another machine when the partition is next assigned. The counts
are records on the compacted topic `<app id>-page-attempts` (created by
`stream.kafka.topics.ensure_topics`), key = the page's position
(`stream.poison.attempt_key`), value = the count. They are read and written only
after a stage has raised: a page that does not fail costs nothing here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any, Protocol, cast

from aiokafka import AIOKafkaConsumer, TopicPartition

from stream import poison
from stream._faust.transport import true_end_offsets
from stream.errors import StreamError
from stream.intake import InputMessage
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import attempts_topic
from stream.settings import Settings

# How long reading one partition of counts may take before the worker gives up
# (and exits as it would have without this module).
READ_TIMEOUT_S = 30.0


class AttemptStore(Protocol):
    """Where the failed attempts of a page are counted."""

    async def failures(self, message: InputMessage) -> int: ...

    async def record(self, message: InputMessage, count: int) -> None: ...


class _Topic(Protocol):
    async def send(
        self, *, key: bytes | None = None, value: bytes, partition: int | None = None
    ) -> Any: ...


class MemoryAttempts:
    """Counts in a dict: for tests, and for nothing that restarts."""

    def __init__(self) -> None:
        self.counts: dict[bytes, int] = {}

    async def failures(self, message: InputMessage) -> int:
        return self.counts.get(_key(message), 0)

    async def record(self, message: InputMessage, count: int) -> None:
        self.counts[_key(message)] = count


class KafkaAttempts:
    """Counts on `<app id>-page-attempts`: written through `topic` (the worker's
    producer, acknowledged before the worker exits), read with a consumer of its own."""

    def __init__(self, settings: Settings, bootstrap_servers: str, topic: _Topic) -> None:
        self.settings = settings
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic

    def _partition(self, message: InputMessage) -> TopicPartition:
        return TopicPartition(
            attempts_topic(self.settings), message.partition % self.settings.partitions
        )

    async def failures(self, message: InputMessage) -> int:
        tp = self._partition(message)
        # "earliest" and an explicit seek: on Apache Kafka, `seek_to_beginning` right
        # after `assign` lost to the reset to "latest" that `assign` had started.
        consumer = AIOKafkaConsumer(
            **client_kwargs(self.settings, self.bootstrap_servers),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        try:
            await consumer.start()
            consumer.assign([tp])
            end = (await consumer.end_offsets([tp]))[tp]
            if self.settings.verify_end_offsets:
                # Tansu under-reports the end of a partition written in batches.
                reported = cast(Mapping[Any, int], {tp: end})
                end = (await true_end_offsets(consumer, reported))[tp]
            consumer.seek(tp, (await consumer.beginning_offsets([tp]))[tp])
            records: list[tuple[bytes | None, bytes | None]] = []
            deadline = time.monotonic() + READ_TIMEOUT_S
            while await consumer.position(tp) < end:
                if time.monotonic() > deadline:
                    raise StreamError(
                        f"could not read {tp.topic}[{tp.partition}] to its end ({end}) within "
                        f"{READ_TIMEOUT_S:.0f} s"
                    )
                batch = await consumer.getmany(tp, timeout_ms=500)
                records.extend((r.key, r.value) for r in batch.get(tp, []))
            return poison.failures_in(records, _key(message))
        finally:
            await asyncio.wait_for(consumer.stop(), 10)

    async def record(self, message: InputMessage, count: int) -> None:
        tp = self._partition(message)
        ack = await self.topic.send(
            key=_key(message), value=poison.encode_count(count), partition=tp.partition
        )
        # The worker exits right after this: the count must be on the broker by then.
        await ack


def _key(message: InputMessage) -> bytes:
    return poison.attempt_key(message.topic, message.partition, message.offset)
