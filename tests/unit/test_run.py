"""stream.cli.run: a second worker on one machine finds a web port of its own (pure)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stream.cli.run import with_free_web_port
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
