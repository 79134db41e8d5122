"""stream.cli.run: a second worker on one machine finds a web port of its own (pure)."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from stream.cli.run import port_is_free, with_free_web_port
from stream.errors import ConfigError
from stream.settings import Settings


def taken(*ports: int) -> Callable[[str, int], bool]:
    return lambda _host, port: port not in ports


def test_a_free_port_is_kept() -> None:
    settings = Settings()
    assert with_free_web_port(settings, taken()) is settings


def test_a_taken_default_moves_to_the_next_free_port() -> None:
    moved = with_free_web_port(Settings(), taken(6066, 6067))
    assert moved.web_port == 6068


def test_a_taken_port_set_on_purpose_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_WEB_PORT", "7000")
    with pytest.raises(ConfigError, match=r"STREAM_WEB_PORT=7000 is taken on 127\.0\.0\.1"):
        with_free_web_port(Settings(), taken(7000))


def test_a_port_is_free_while_a_stopped_workers_connections_wait_out_time_wait() -> None:
    """A worker restarted on its port (and RocksDB tables) right after the last one
    stopped: the server side's closed connections in TIME_WAIT do not hold the port,
    a listener does."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    assert not port_is_free("127.0.0.1", port)
    served.close()  # the server closes first: its side waits out TIME_WAIT
    client.close()
    listener.close()
    assert port_is_free("127.0.0.1", port)
