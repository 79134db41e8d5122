"""Security on a real worker: its SASL password never shows, and a huge dead letter goes out cut."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import pytest

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


# -- Secrets ---------------------------------------------------------------------------


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
