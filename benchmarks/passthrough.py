"""(a) of `bench_pipeline.py`: the raw limit, pages consumed and produced unchanged.

A process of its own, started like a worker (settings from `STREAM_*` variables,
`Settings.as_environment()`): one aiokafka consumer in a group on the pages topic,
one producer that copies every record (key and value) to the articles topic, no
decoding, no processing. Its clients are tuned like the worker's faust clients
(fetch and request sizes, 5 ms linger, acks from all replicas, and one record per
producer batch when `STREAM_ONE_RECORD_PER_BATCH` says so), so that the ratio of
the pipeline's rate to this one is the cost of the processing, not of client
settings.

    STREAM_BOOTSTRAP_SERVERS=127.0.0.1:9092 python benchmarks/passthrough.py --ready-file F

It writes `--ready-file` once it has partitions assigned, and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener  # noqa: E402
from aiokafka.structs import TopicPartition  # noqa: E402

from stream.cli.produce import crawler_producer  # noqa: E402
from stream.errors import ConfigError  # noqa: E402
from stream.kafka.connection import client_kwargs  # noqa: E402
from stream.settings import Settings  # noqa: E402

FETCH_BYTES = 4_194_304
STOP_TIMEOUT_S = 10.0


class _Ready(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    def __init__(self, path: Path) -> None:
        self.path = path

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        if assigned:
            self.path.write_text(",".join(sorted(f"{tp.topic}[{tp.partition}]" for tp in assigned)))


async def run(settings: Settings, ready_file: Path) -> int:
    if not settings.bootstrap_servers:
        raise ConfigError("passthrough needs STREAM_BOOTSTRAP_SERVERS (the benchmark's broker)")
    connection = client_kwargs(settings, settings.bootstrap_servers)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    consumer = AIOKafkaConsumer(
        **connection,
        group_id=settings.app_id,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=FETCH_BYTES,
        # The worker's fetch wait: on Tansu it bounds each hop's latency (see Settings).
        fetch_max_wait_ms=settings.fetch_max_wait_ms or 500,
        fetch_max_bytes=FETCH_BYTES * 2,
        session_timeout_ms=int(settings.session_timeout_s * 1000),
        heartbeat_interval_ms=int(settings.heartbeat_interval_s * 1000),
    )
    producer = crawler_producer(settings, settings.bootstrap_servers)
    await producer.start()
    try:
        await consumer.start()
        try:
            consumer.subscribe([settings.topic_pages], listener=_Ready(ready_file))
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    for record in records:
                        await producer.send(settings.topic_articles, record.value, key=record.key)
        finally:
            await asyncio.wait_for(consumer.stop(), STOP_TIMEOUT_S)
    finally:
        await asyncio.wait_for(producer.stop(), STOP_TIMEOUT_S)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ready-file", type=Path, required=True)
    args = parser.parse_args(argv)
    return asyncio.run(run(Settings(), args.ready_file))


if __name__ == "__main__":
    raise SystemExit(main())
