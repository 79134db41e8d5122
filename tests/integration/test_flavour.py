"""stream.kafka.flavour on both brokers: Tansu is detected over the wire, and its
workarounds are on exactly where they are needed.

A worker pointed with STREAM_BOOTSTRAP_SERVERS at a broker someone else started
(the session's broker, started by the fixture) chooses by what answers, not by
who started it; on Apache Kafka neither workaround is on, and the end offsets it
reports are true, which is why none is needed there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import EmbeddedBroker
from stream.kafka.flavour import broker_is_tansu
from stream.settings import Settings
from stream.testing.apache_kafka import ApacheKafka
from stream.testing.workers import running_worker
from tests.integration.kafka_helpers import assert_worker_processes_samples, prepare

BATCHES, PER_BATCH = 3, 200


def test_detection_names_the_broker(
    broker: EmbeddedBroker | ApacheKafka, settings: Settings
) -> None:
    assert asyncio.run(broker_is_tansu(settings, broker.bootstrap_servers)) == isinstance(
        broker, EmbeddedBroker
    )


async def _end_offset_after_batches(settings: Settings, topic: str) -> int:
    """Write BATCHES batches of PER_BATCH records to one partition; its reported end offset."""
    assert settings.bootstrap_servers
    kwargs = client_kwargs(settings, settings.bootstrap_servers)
    producer = AIOKafkaProducer(**kwargs, linger_ms=1000, max_batch_size=1_048_576)
    await producer.start()
    try:
        for _ in range(BATCHES):
            sent = [await producer.send(topic, b"x", partition=0) for _ in range(PER_BATCH)]
            await producer.flush()
            await asyncio.gather(*sent)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(**kwargs)
    try:
        await consumer.start()
        partition = TopicPartition(topic, 0)
        return int((await consumer.end_offsets([partition]))[partition])
    finally:
        await consumer.stop()


def test_reported_end_offsets_are_true_on_kafka_and_short_on_tansu(
    broker: EmbeddedBroker | ApacheKafka, settings: Settings
) -> None:
    prepare(settings)
    end = asyncio.run(_end_offset_after_batches(settings, settings.topic_pages))
    if isinstance(broker, EmbeddedBroker):
        # The last batch's base offset + 1: why Tansu needs STREAM_VERIFY_END_OFFSETS.
        assert end == (BATCHES - 1) * PER_BATCH + 1
    else:
        assert end == BATCHES * PER_BATCH


def test_a_worker_pointed_at_a_broker_chooses_by_what_answers(
    broker: EmbeddedBroker | ApacheKafka, settings: Settings, tmp_path: Path
) -> None:
    automatic = settings.model_copy(update={"verify_end_offsets": None, "fetch_max_wait_ms": None})
    prepare(automatic)
    with running_worker(automatic, tmp_path) as worker:
        assert worker.log_path is not None
        log = worker.log_path.read_text()
        if isinstance(broker, EmbeddedBroker):
            expected = (
                "is Tansu (cluster id 'tansu_cluster'): verify end offsets on, fetch wait 10 ms"
            )
        else:
            expected = "is not Tansu (cluster id"
            assert "verify end offsets off, fetch wait 500 ms" in log
        assert f"Kafka at {broker.bootstrap_servers} {expected}" in log
        assert_worker_processes_samples(worker, automatic)
