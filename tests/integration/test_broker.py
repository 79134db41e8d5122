"""stream.kafka.embedded: the embedded Tansu broker starts, answers Metadata, and stops."""

from __future__ import annotations

import socket

import pytest

from stream.errors import BrokerError
from stream.kafka.embedded import EmbeddedBroker, free_port, metadata_brokers, wait_until_ready


def test_started_broker_lists_itself_in_metadata(broker: EmbeddedBroker) -> None:
    assert broker.running
    assert metadata_brokers(broker.host, broker.port) == 1


def test_stop_ends_the_process_and_frees_the_port() -> None:
    running = EmbeddedBroker().start()
    port = running.port
    running.stop()
    assert not running.running
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # raises if the broker still held it


def test_wait_until_ready_names_the_address_when_nothing_answers() -> None:
    port = free_port()
    with pytest.raises(BrokerError, match=f"127.0.0.1:{port}"):
        wait_until_ready("127.0.0.1", port, timeout=0.3)


def test_a_taken_port_fails_with_the_broker_log() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        # Something that is not Kafka holds the port: Metadata never succeeds.
        # The error carries the tail of the broker's own log, which says why.
        with pytest.raises(
            BrokerError,
            match=r"(?s)the embedded broker .*(before it was ready|within \d+ s): .*Address in use",
        ):
            EmbeddedBroker(port=port).start(timeout=3)
