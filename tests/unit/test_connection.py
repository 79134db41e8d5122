"""stream.kafka.connection: one parse of the bootstrap servers for every client."""

from __future__ import annotations

import pytest

from stream.errors import BrokerError
from stream.kafka.connection import addresses, broker_urls


def test_addresses_parse_hosts_ports_and_default_port() -> None:
    assert addresses("a:1, kafka://b:2,c,[::1]:3") == [
        ("a", 1),
        ("b", 2),
        ("c", 9092),
        ("::1", 3),
    ]


def test_addresses_refuse_an_empty_list() -> None:
    with pytest.raises(BrokerError, match="no broker address"):
        addresses(" , ")


def test_broker_urls_are_the_same_addresses_as_faust_urls() -> None:
    assert broker_urls("a:1, b:2,,[::1]:3") == ["kafka://a:1", "kafka://b:2", "kafka://[::1]:3"]
