"""Which Kafka a command talks to: the configured cluster, or an embedded broker."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from stream.settings import Settings

if TYPE_CHECKING:
    from stream.kafka.embedded import EmbeddedBroker

log = logging.getLogger("stream")


@contextlib.contextmanager
def cluster(settings: Settings, port: int | None = None) -> Iterator[str]:
    """The bootstrap servers to use: the configured cluster, or an embedded broker."""
    with cluster_and_broker(settings, port) as (bootstrap, _broker):
        yield bootstrap


@contextlib.contextmanager
def cluster_and_broker(
    settings: Settings, port: int | None = None
) -> Iterator[tuple[str, EmbeddedBroker | None]]:
    if settings.bootstrap_servers:
        yield settings.bootstrap_servers, None
        return
    from stream.kafka.embedded import EmbeddedBroker

    with EmbeddedBroker(port=port) as broker:
        log.info(
            "no STREAM_BOOTSTRAP_SERVERS set: using an embedded broker at %s",
            broker.bootstrap_servers,
        )
        yield broker.bootstrap_servers, broker
