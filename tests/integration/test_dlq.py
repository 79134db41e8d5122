"""`stream dlq list` and `stream dlq replay` as a user runs them, against a real broker
and real `stream run` processes (README, "stream dlq").

A worker with the test fault hook turns one page into an `internal_error` dead letter
(`STREAM_POISON_ATTEMPTS=1`: at once); a blank page is an `empty` one. `list` shows
both; `replay --dry-run` publishes nothing; a worker without the hook (the fix) and
`replay --reason internal_error` bring the page back with the page_id it would have
had, its teasers deduplicated exactly; a second replay publishes nothing.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from stream.settings import Settings
from stream.testing.workers import running_worker, worker_env
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

MARKER = "poison-marker-52be19"


def stream_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`stream ARGS` as a user runs it, with the test's settings in its environment."""
    return subprocess.run(
        [sys.executable, "-m", "stream", *args],
        env=worker_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_dead_letters_are_listed_and_an_internal_error_is_replayed_once_after_the_fix(
    settings: Settings, tmp_path: Path
) -> None:
    messages = feed_with_marker(20, at=7, marker=MARKER)
    messages.append((b"blank", b" \n", [("content-type", b"text/plain")]))
    everything = reference_outputs(settings, messages)
    before_fix = reference_outputs(settings, [m for i, m in enumerate(messages) if i != 7])
    prepare(settings)
    asyncio.run(produce(settings, messages))

    with running_worker(settings, tmp_path, "buggy", test_fault_marker=MARKER, poison_attempts=1):
        wait_for(
            lambda: (
                len(read_values(settings, settings.topic_dlq)) == 2
                and {a["page_id"] for a in read_values(settings, settings.topic_articles)}
                >= {a.page_id for a in before_fix.articles}
            ),
            timeout=90,
            interval=1.0,
            message="two dead letters and every other article",
        )

    listed = stream_cli(settings, "dlq", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split()[1:3] for line in listed.stdout.splitlines()[1:-1]}
    assert rows == {"internal_error": ["1", "0"], "empty": ["1", "0"]}, listed.stdout
    assert listed.stdout.splitlines()[-1].startswith(f"2 dead letter(s) on {settings.topic_dlq}")
    as_json = orjson.loads(stream_cli(settings, "dlq", "list", "--json").stdout)
    detail = next(r for r in as_json["reasons"] if r["reason"] == "internal_error")
    assert detail["sample_detail"].startswith("stage parse raised")

    dry = stream_cli(settings, "dlq", "replay", "--reason", "internal_error", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1] == (
        f"would replay 1 dead letter(s) to {settings.topic_pages} (internal_error: 1); skipped "
        "0 already replayed, 0 without a whole value to replay; nothing published (--dry-run)"
    )
    assert len(asyncio.run(read_topic(settings, settings.topic_pages))) == len(messages)

    with running_worker(settings, tmp_path, "fixed") as fixed:
        replayed = stream_cli(settings, "dlq", "replay", "--reason", "internal_error")
        assert replayed.returncode == 0, replayed.stderr
        assert replayed.stdout.strip() == (
            f"replayed 1 dead letter(s) to {settings.topic_pages} (internal_error: 1); skipped "
            "0 already replayed, 0 without a whole value to replay"
        )
        poison_id = everything.articles[7].page_id
        wait_for(
            lambda: (
                poison_id in {a["page_id"] for a in read_values(settings, settings.topic_articles)}
            ),
            timeout=90,
            interval=1.0,
            message=f"the replayed page's article\n{fixed.log()}",
        )
        again = stream_cli(settings, "dlq", "replay", "--reason", "internal_error")
        assert again.stdout.strip() == (
            f"replayed 0 dead letter(s) to {settings.topic_pages}; skipped 1 already replayed, "
            "0 without a whole value to replay"
        ), again.stderr
        wait_for(
            lambda: (
                {t["teaser_id"] for t in read_values(settings, settings.topic_teasers)}
                >= {t.teaser_id for t in everything.teasers}
            ),
            timeout=60,
            interval=1.0,
            message=f"every teaser of the replayed page\n{fixed.log()}",
        )

    pages_raw = asyncio.run(read_topic(settings, settings.topic_pages))
    assert len(pages_raw) == len(messages) + 1
    (replay,) = [r for r in pages_raw if "stream-replay-of" in dict(r.headers)]
    assert (replay.key, replay.value) == (messages[7][0], messages[7][1])
    articles = Counter(a["page_id"] for a in read_values(settings, settings.topic_articles))
    assert set(articles) == {a.page_id for a in everything.articles}
    assert articles[poison_id] == 1
    teasers = Counter(t["teaser_id"] for t in read_values(settings, settings.topic_teasers))
    assert set(teasers) == {t.teaser_id for t in everything.teasers}
    assert max(teasers.values()) == 1, "a teaser was published twice"
    summary = orjson.loads(stream_cli(settings, "dlq", "list", "--json").stdout)
    replayed_count = {r["reason"]: r["replayed"] for r in summary["reasons"]}
    assert replayed_count == {"internal_error": 1, "empty": 0}
    print(f"\n{listed.stdout}{dry.stdout}{replayed.stdout}{again.stdout}")
