"""stream.kafka.watch and stream.kafka.delivery: waiting for Kafka, the broker watch, the
delivery guard before commits."""

from __future__ import annotations

from stream.kafka.embedded import EmbeddedBroker
from stream.kafka.watch import probe
from stream.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_probe_counts_the_brokers_of_a_live_cluster(broker: EmbeddedBroker) -> None:
    assert await probe(Settings(), broker.bootstrap_servers) == 1
