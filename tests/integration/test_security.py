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

import asyncio
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

from stream import enrich
from stream.intake import TRUNCATION_MARKER
from stream.parse import parse_page
from stream.settings import Settings
from stream.testing.workers import WorkerProcess
from tests.conftest import SAMPLE_002
from tests.integration.kafka_helpers import (
    accounted,
    prepare,
    produce,
    read_topic,
    values,
    wait_for,
)

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


# -- A real worker -----------------------------------------------------------------------


def _start_worker(settings: Settings, log_dir: Path, level: str) -> WorkerProcess:
    """A `stream run` at `level` (the shared helper runs INFO unless told)."""
    return WorkerProcess.start(settings, log_dir, f"worker-{level}", log_level=level)


@pytest.mark.integration
def test_worker_never_shows_its_secret_and_publishes_a_huge_dead_letter_cut(
    settings: Settings, tmp_path: Path
) -> None:
    # PLAINTEXT: the embedded broker has no SASL, and the password must stay hidden
    # whether or not it is used.
    settings = settings.model_copy(
        update={
            "sasl_username": "svc-stream",
            "sasl_password": SECRET,
            "max_dead_letter_value_bytes": 20_000,
        }
    )
    assert settings.security_protocol == "PLAINTEXT"
    prepare(settings)
    huge = b"\x00" * 900_000  # 45 times the dead-letter limit, 5.4 MB as JSON escapes
    worker = _start_worker(settings, tmp_path, "DEBUG")
    try:
        worker.wait_ready()
        asyncio.run(
            produce(
                settings,
                [
                    (b"huge", huge, []),
                    (b"after", SAMPLE_002.read_bytes(), [("content-type", b"text/plain")]),
                ],
            )
        )
        wait_for(
            lambda: accounted(worker)[0] >= 2,
            timeout=60,
            message=f"2 pages; got {accounted(worker)}\n{worker.log()}",
        )
        dead = values(asyncio.run(read_topic(settings, settings.topic_dlq)))
        articles = values(asyncio.run(read_topic(settings, settings.topic_articles)))
        pages = {path: worker.get(path) for path in ("/metrics", "/healthz", "/readyz", "/nope")}
        assert worker.process is not None
        assert worker.process.poll() is None, worker.log()
    finally:
        code = worker.stop()
    log = worker.log_path.read_text(errors="replace")

    assert code == 0, log[-4000:]
    assert "DEBUG" in log, "the worker logged at DEBUG"
    assert SECRET not in log
    for path, (status, body) in pages.items():
        assert SECRET.encode() not in body, path
        assert status in (200, 404, 503), path
    assert pages["/metrics"][0] == 200
    assert b"stream_pages_total" in pages["/metrics"][1]

    assert [d["key"] for d in dead] == ["huge"]
    letter = dead[0]
    assert (letter["reason"], letter["value_truncated"], letter["value_bytes"]) == (
        "no_article",
        True,
        len(huge),
    )
    assert letter["value_encoding"] == "utf-8"
    kept = letter["value"].split("\n[")[0]
    assert len(kept) == 20_000 // 6  # each NUL is six bytes of JSON: `\u0000`
    marker = TRUNCATION_MARKER.format(cut=len(huge) - len(kept), total=len(huge))
    assert letter["value"].endswith(marker)
    # The worker went on: the page after the huge one is its article.
    offline = parse_page(SAMPLE_002.read_text(encoding="utf-8"), reference_date=REFERENCE)
    assert [(a["headline"], len(a["teaser_ids"])) for a in articles] == [
        (offline.headline, len(offline.teasers))
    ]
