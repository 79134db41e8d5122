"""Security: HTML never fetches or reads anything, secrets never show, dead letters fit.

- Parsing HTML that points at external resources (an XXE-style external entity, a
  parameter entity, `<img>`, `<link>`, `<script src>`, `<iframe>`, `<base>`, ...)
  opens no socket and no file: Python's socket and file functions are guarded
  during the parse, and a listening socket named in the markup must see no
  connection (that also catches a fetch from C). Entities are never expanded.
- The SASL password, a `SecretStr`, passes through to the Kafka clients but never
  shows in `repr`, `str`, JSON dumps, validation errors, the worker's log at DEBUG,
  `/metrics`, `/healthz` or `/readyz`.
- A dead letter of a value far above `max_dead_letter_value_bytes` is published cut,
  with the marker, and the worker goes on (unit coverage: tests/test_hostile.py).
"""

from __future__ import annotations

import _socket
import builtins
import datetime as dt
import io
import os
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from stream import enrich, pipeline
from stream.errors import ConfigError
from stream.intake import InputMessage
from stream.kafka.connection import client_kwargs, faust_credentials
from stream.parse import parse_page
from stream.settings import Settings

SECRET = f"s3cr3t-{uuid.uuid4().hex}"
REFERENCE = dt.date(2026, 2, 12)

# -- HTML fetches nothing ----------------------------------------------------------------


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    """A local file whose content must never appear in a parse."""
    path = tmp_path / "secret.txt"
    path.write_text(f"root:x:0:0:SENTINEL-{uuid.uuid4().hex}\n")
    return path


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket: a connection from any layer would wait in its backlog."""
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def no_io(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every socket, file and URL opening in Python while it is on."""
    enrich.preload()  # the gazetteer is read from files once, before any page
    calls: list[str] = []

    def refuse(name: str) -> object:
        def guard(*args: object, **kwargs: object) -> None:
            calls.append(f"{name}{args!r}")
            raise PermissionError(f"{name} during a parse")

        return guard

    for owner, name in [
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
        (builtins, "open"),
        (io, "open"),
        (os, "open"),
        (urllib.request, "urlopen"),
    ]:
        monkeypatch.setattr(owner, name, refuse(f"{getattr(owner, '__name__', owner)}.{name}"))
    return calls


def _pages(url: str, file_url: str) -> dict[str, str]:
    article = (
        "<h1>Headline &e; here</h1><p>Lead &e; line</p><p>MOSCOW, February 11. /TASS/. Body.</p>"
    )
    return {
        "xxe_system_entity": (
            f'<!DOCTYPE x [<!ENTITY e SYSTEM "{file_url}">]><html><body>{article}</body></html>'
        ),
        "xxe_http_entity": (
            f'<!DOCTYPE x [<!ENTITY e SYSTEM "{url}/e">]><html><body>{article}</body></html>'
        ),
        # HTML has no internal DTD subset: the doctype ends at its first `>`, and
        # ` %p;]>` after it is text, as a browser shows it.
        "xxe_parameter_entity": (
            f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{url}/dtd"> %p;]>'
            f"<html><body>{article}</body></html>"
        ),
        "xml_stylesheet": (
            f'<?xml-stylesheet href="{url}/s.xsl"?><html><body>{article}</body></html>'
        ),
        "billion_laughs": (
            '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY e "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            f"<html><body>{article}</body></html>"
        ),
        "resources": (
            f'<html><head><base href="{url}/"><link rel="stylesheet" href="{url}/c.css">'
            f'<link rel="preload" href="{file_url}"><script src="{url}/j.js"></script>'
            f'<meta http-equiv="refresh" content="0; url={url}/r">'
            f"<style>@import url({url}/i.css); body {{ background: url({file_url}) }}</style>"
            f'</head><body><img src="{url}/i.png" srcset="{url}/2.png 2x">{article}'
            f'<iframe src="{url}/f"></iframe><iframe srcdoc="<img src={url}/d.png>"></iframe>'
            f'<object data="{url}/o"></object><embed src="{file_url}">'
            f'<video src="{url}/v" poster="{url}/p"><source src="{url}/s"></video>'
            f'<svg><image href="{url}/svg.png"/></svg><input type="image" src="{url}/in">'
            "</body></html>"
        ),
    }


_KINDS = list(_pages("http://x", "file:///x"))


@pytest.mark.parametrize("kind", _KINDS)
def test_html_parse_fetches_nothing_reads_no_file_and_expands_no_entity(
    kind: str, sentinel: Path, listener: socket.socket, no_io: list[str]
) -> None:
    port = listener.getsockname()[1]
    html = _pages(f"http://127.0.0.1:{port}", sentinel.as_uri())[kind]
    page = parse_page(html, content_type="text/html", reference_date=REFERENCE)
    result = pipeline.process_page(
        InputMessage(value=html.encode(), headers=(("content-type", b"text/html"),)),
        Settings(),
        now=dt.datetime(2026, 2, 12, tzinfo=dt.UTC),
    )
    assert no_io == []
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing connected, from Python or from C
    lines = (page.headline, page.lead, *page.paragraphs)
    assert "Headline &e; here" in lines
    assert "Lead &e; line" in lines or kind == "xxe_parameter_entity"
    assert result.article is not None
    assert result.article.headline == page.headline
    everything = repr(page) + result.article.model_dump_json()
    assert "SENTINEL" not in everything
    assert "root:" not in everything
    assert "aaaaaaaaaaaaaaaaaaaa" not in everything


def test_the_guards_do_catch_a_python_fetch(
    sentinel: Path, listener: socket.socket, no_io: list[str]
) -> None:
    """Without this, a test above could pass with guards that guard nothing."""
    with pytest.raises(PermissionError):
        socket.create_connection(listener.getsockname(), timeout=1)
    with pytest.raises(PermissionError):
        open(sentinel)  # noqa: SIM115 - the builtin is what is guarded
    assert len(no_io) == 2
    # A connection made below Python's socket module (as a C library would) is not
    # guarded, but it reaches the listener's backlog, which is what the tests check.
    raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        raw.connect(listener.getsockname())
        listener.setblocking(True)
        accepted, _ = listener.accept()
        accepted.close()
    finally:
        raw.close()


# -- Secrets ---------------------------------------------------------------------------


def _sasl_settings(**overrides: object) -> Settings:
    fields: dict[str, object] = {
        "bootstrap_servers": "kafka-1:9093,kafka-2:9093",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": "svc-stream",
        "sasl_password": SECRET,
    }
    fields.update(overrides)
    return Settings(**fields)  # type: ignore[arg-type]


def test_sasl_and_ssl_settings_pass_through_to_the_kafka_clients() -> None:
    settings = _sasl_settings()
    kwargs = client_kwargs(settings, "kafka-1:9093")
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_username"] == "svc-stream"
    assert kwargs["sasl_plain_password"] == SECRET
    assert kwargs["ssl_context"] is not None
    credentials = faust_credentials(settings)
    assert credentials is not None
    assert credentials.password == SECRET
    assert credentials.username == "svc-stream"
    assert str(credentials.protocol.value) == "SASL_SSL"
    assert SECRET not in repr(credentials)


def test_secret_never_shows_in_repr_str_or_json_dumps() -> None:
    settings = _sasl_settings()
    shown = [
        repr(settings),
        str(settings),
        settings.model_dump_json(),
        str(settings.model_dump()),
        str(settings.model_dump(mode="json")),
        repr(settings.sasl_password),
        f"{settings.sasl_password}",
    ]
    for text in shown:
        assert SECRET not in text


def test_secret_never_shows_in_a_validation_error_of_another_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValidationError) as from_arguments:
        _sasl_settings(partitions=0, web_port="not-a-port")
    monkeypatch.setenv("STREAM_SASL_PASSWORD", SECRET)
    monkeypatch.setenv("STREAM_PARTITIONS", "many")
    with pytest.raises(ValidationError) as from_environment:
        Settings()
    for error in (from_arguments.value, from_environment.value):
        for text in (str(error), repr(error), error.json(), str(error.errors())):
            assert SECRET not in text
        assert error.error_count() >= 1


def test_missing_sasl_password_error_names_the_variables_not_a_value() -> None:
    with pytest.raises(ConfigError, match="STREAM_SASL_USERNAME and STREAM_SASL_PASSWORD"):
        client_kwargs(_sasl_settings(sasl_password=None), "kafka-1:9093")


def test_faust_credentials_refuse_sasl_without_a_password_like_the_clients() -> None:
    # The worker's faust connection used to skip this check and connect without one.
    with pytest.raises(ConfigError, match="STREAM_SASL_USERNAME and STREAM_SASL_PASSWORD"):
        faust_credentials(_sasl_settings(sasl_password=None))


# -- A real worker -----------------------------------------------------------------------
