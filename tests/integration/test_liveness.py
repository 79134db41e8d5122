"""The broker probe of `stream.kafka.watch` against a live broker."""

from __future__ import annotations

from stream.kafka.embedded import EmbeddedBroker
from stream.kafka.watch import probe
from stream.settings import Settings


async def test_probe_counts_the_brokers_of_a_live_cluster(broker: EmbeddedBroker) -> None:
    assert await probe(Settings(), broker.bootstrap_servers) == 1
