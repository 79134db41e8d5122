"""The integration lane: real brokers started by fixtures, one set of topics per test.

A broker starts once per session on free ports and is ready only when a Kafka
Metadata request lists it. Each test gets its own topic names, group and web port
(`settings` fixture), so tests never see each other's records.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stream.kafka.embedded import EmbeddedBroker
from stream.settings import Settings
from stream.testing.apache_kafka import ApacheKafka, missing_reason
from tests.integration.kafka_helpers import isolated_settings

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is `integration`, so `-m "not integration"` is the fast lane."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


# Integration tests run on Tansu (the embedded default) and on Apache Kafka (what
# users deploy), with the same assertions; STREAM_TEST_BROKERS=tansu (or =kafka)
# runs one. Apache Kafka skips where Java or its jars are missing, and fails in CI.
BROKERS = [b for b in os.environ.get("STREAM_TEST_BROKERS", "tansu,kafka").split(",") if b]


@pytest.fixture(scope="session", params=BROKERS)
def broker(request: pytest.FixtureRequest) -> Iterator[EmbeddedBroker | ApacheKafka]:
    if request.param == "kafka":
        reason = missing_reason()
        if reason is not None:
            if os.environ.get("CI"):
                pytest.fail(reason)
            pytest.skip(reason)
        with ApacheKafka() as kafka:
            yield kafka
        return
    with EmbeddedBroker() as running:
        yield running


@pytest.fixture
def settings(broker: EmbeddedBroker | ApacheKafka, tmp_path: Path) -> Settings:
    """Settings of one test: its own topics, consumer group, state folder and web port."""
    tansu = isinstance(broker, EmbeddedBroker)
    return isolated_settings(broker.bootstrap_servers, tmp_path / "state", tansu=tansu)
