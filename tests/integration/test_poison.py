"""A poison page against real `stream run` processes and a real broker (README,
"Processing guarantees"): one page among many makes the parse stage raise (the
test hook `STREAM_TEST_FAULT_MARKER`). The worker fails on it, exits (code 70) and
is restarted, as a supervisor would, until the page's third attempt, when it becomes
an `internal_error` dead letter; every other page comes out exactly as the in-process
pipeline makes it, and the last worker goes on running.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from stream.kafka.exits import EXIT_DELIVERY_FAILED
from stream.kafka.topics import attempts_topic
from stream.settings import Settings
from stream.testing.workers import WorkerProcess
from tests.integration.kafka_helpers import (
    feed_with_marker,
    prepare,
    produce,
    read_topic,
    read_values,
    reference_outputs,
    wait_for,
)

pytestmark = pytest.mark.integration

MARKER = "poison-marker-7d41c0"
PAGES = 40
POISON_AT = 17


def test_a_poison_page_becomes_an_internal_error_dead_letter_and_the_rest_flows(
    settings: Settings, tmp_path: Path
) -> None:
    messages = feed_with_marker(PAGES, at=POISON_AT, marker=MARKER)
    poison = messages[POISON_AT]
    others = [m for m in messages if m is not poison]
    expected = reference_outputs(settings, others)
    prepare(settings)
    asyncio.run(produce(settings, messages))

    def done() -> bool:
        dead = read_values(settings, settings.topic_dlq)
        articles = {a["page_id"] for a in read_values(settings, settings.topic_articles)}
        return bool(dead) and articles >= {a.page_id for a in expected.articles}

    exit_codes: list[int] = []
    worker: WorkerProcess | None = None
    logs: list[WorkerProcess] = []
    # The supervisor: restart the worker each time it exits, until the work is done.
    for start in range(settings.poison_attempts + 1):
        worker = WorkerProcess.start(
            settings, tmp_path, f"worker-{start}", test_fault_marker=MARKER
        )
        logs.append(worker)
        wait_for(
            lambda w=worker: w.process.poll() is not None or done(),
            timeout=120,
            interval=1.0,
            message="the worker exits or finishes\n" + worker.log(),
        )
        if worker.process.poll() is None:
            break
        exit_codes.append(worker.process.returncode)
    assert worker is not None
    log = "\n".join(w.log() for w in logs)
    try:
        assert exit_codes == [EXIT_DELIVERY_FAILED] * (settings.poison_attempts - 1), log
        assert worker.process.poll() is None, f"the last worker stopped\n{log}"

        (letter,) = read_values(settings, settings.topic_dlq)
        key, value, _ = poison
        assert letter["reason"] == "internal_error"
        assert letter["detail"].startswith(
            "stage parse raised stream.testing.faults.InjectedFault: injected fault"
        ), letter["detail"]
        assert "failed 3 time(s)" in letter["detail"]
        assert (letter["key"], letter["value"]) == (key.decode() if key else None, value.decode())
        pages = asyncio.run(read_topic(settings, settings.topic_pages))
        (at,) = [(r.partition, r.offset) for r in pages if r.value == value]
        assert (letter["source"]["partition"], letter["source"]["offset"]) == at
        attempts = asyncio.run(read_topic(settings, attempts_topic(settings)))
        assert [r.value for r in attempts] == [b"1", b"2"]

        articles = read_values(settings, settings.topic_articles)
        by_id = {(a["page_id"], a["headline"], tuple(a["teaser_ids"])) for a in articles}
        assert by_id == {(a.page_id, a.headline, tuple(a.teaser_ids)) for a in expected.articles}
        teaser_ids = {t["teaser_id"] for t in read_values(settings, settings.topic_teasers)}
        assert teaser_ids == {t.teaser_id for t in expected.teasers}
        samples = worker.metrics()
        assert samples['stream_poison_pages_total{stage="parse"}'] == 1.0
        assert samples['stream_dead_letters_total{reason="internal_error"}'] == 1.0
    finally:
        assert worker.stop() == 0, log
    print(f"\npoison page: worker exits {exit_codes}, then dead-lettered; {len(articles)} articles")
