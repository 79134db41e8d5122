"""The worker end to end on the real embedded broker: real `stream run` processes.

Each test has its own topics and consumer group (the `settings` fixture). Outputs
are counted by reading the topics, and "done" is read from the worker's own
counters (every page and every teaser sighting accounted for), never from end
offsets, which Tansu under-reports.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import orjson
import pytest

from stream.intake import encode_page
from stream.settings import Settings
from stream.testing.workers import WorkerProcess, running_worker
from tests.conftest import SAMPLE_000, SAMPLE_002, require_tool
from tests.integration.kafka_helpers import (
    accounted,
    prepare,
    produce,
    publish_samples,
    read_topic,
    values,
    wait_for,
)

pytestmark = pytest.mark.integration

# Distinct teasers per sample page (the parser's exact counts, pinned in test_parse).
TEASERS_000, TEASERS_002 = 101, 100
UNIQUE_BOTH = 201
PROCESS_TIMEOUT_S = 90.0


def wait_accounted(worker: WorkerProcess, pages: int, sightings: int) -> None:
    wait_for(
        lambda: accounted(worker) >= (pages, sightings),
        timeout=PROCESS_TIMEOUT_S,
        message=f"{pages} pages / {sightings} sightings; got {accounted(worker)}\n{worker.log()}",
    )


def outputs(settings: Settings) -> tuple[list[dict], list[dict], list[dict]]:
    return (
        values(asyncio.run(read_topic(settings, settings.topic_articles))),
        values(asyncio.run(read_topic(settings, settings.topic_teasers))),
        values(asyncio.run(read_topic(settings, settings.topic_dlq))),
    )


def test_samples_twice_give_201_unique_teasers_and_4_articles(
    settings: Settings, tmp_path: Path
) -> None:
    prepare(settings)
    worker = WorkerProcess.start(settings, tmp_path)
    try:
        worker.wait_ready()
        publish_samples(settings, repeat=2)
        wait_accounted(worker, pages=4, sightings=2 * (TEASERS_000 + TEASERS_002))
        articles, teasers, dead = outputs(settings)
        metrics = worker.metrics()
    finally:
        assert worker.stop() == 0, worker.log()
    assert len(articles) == 4
    assert dead == []
    ids = [t["teaser_id"] for t in teasers]
    assert len(ids) == UNIQUE_BOTH
    assert len(set(ids)) == UNIQUE_BOTH
    assert metrics['stream_teasers_total{result="repeat"}'] == UNIQUE_BOTH
    assert all(t["schema"] == "teaser/1" for t in teasers)
    assert_enriched_like_the_labels(teasers)
    article = next(a for a in articles if a["headline"].startswith("Lavrov tells US"))
    assert article["dateline"]["place"] == "Moscow"
    assert article["tags"] == ["Foreign policy", "Sergey Lavrov", "Ukraine crisis"]
    assert len(article["teaser_ids"]) == TEASERS_000


LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "teaser_labels.json"
# Teasers whose hand labels the enrichment matches exactly (see benchmarks/bench_enrich.py
# for the quality over all 201): a category, attributions, people linked, organisations.
CHECKED = (
    "Zelensky blocks peace in Ukraine to profit further from conflict",
    "FACTBOX: Drone attack on southern Russia causes plant fire",
    "US committed to settling differences with Iran diplomatically",
)


def assert_enriched_like_the_labels(teasers: list[dict]) -> None:
    """A few teasers read from teasers.unique, field by field against the labelled set."""
    labels = orjson.loads(LABELS.read_bytes())["teasers"]
    for start in CHECKED:
        label = next(x for x in labels if (x["headline"] or "").startswith(start))
        teaser = next(
            t for t in teasers if (t["headline"], t["lead"]) == (label["headline"], label["lead"])
        )
        enrichment = teaser["enrichment"]
        assert (teaser["headline"], teaser["lead"]) == (label["headline"], label["lead"])
        assert enrichment["attribution"] == label["attribution"]
        assert enrichment["category"] == label["category"]
        assert enrichment["entities"]["people"] == label["people"]
        assert enrichment["entities"]["organizations"] == label["organizations"]
        assert enrichment["entities"]["places"] == label["places"]
        assert enrichment["language"] == "en"
        assert enrichment["word_count"] > 0


# Teasers of issue 15's second round of rules, appended to sample page 000: each
# entity below is found only by a rule that round added (a place's company in a
# story of money, a same-name place by its state, a team by its verb and opponent).
NEW_RULE_TEASERS = {
    "Norway's Equinor approves $6 bln gas project": (
        "The project adds output from 2028",
        {"organizations": ["Equinor"], "places": [{"name": "Norway", "country": "NO"}]},
    ),
    "Tornado destroys homes in Paris, Texas": (
        "The National Weather Service said winds reached 200 km/h",
        {
            "organizations": ["National Weather Service"],
            "places": [{"name": "Paris", "country": "US"}, {"name": "Texas", "country": "US"}],
        },
    ),
    "Liverpool agree deal to sign defender from Feyenoord": (
        "The fee could rise to 40 mln euros",
        {"organizations": ["Liverpool", "Feyenoord"], "places": []},
    ),
}


def test_teasers_unique_carry_the_entities_of_the_new_rules(
    settings: Settings, tmp_path: Path
) -> None:
    blocks = [f"{h}\n{lead}\nRead more" for h, (lead, _) in NEW_RULE_TEASERS.items()]
    page = SAMPLE_000.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(blocks)
    message = encode_page(
        page.encode(),
        content_type="text/plain",
        url="https://example.org/new-rules",
        fetched_at=dt.datetime.now(dt.UTC),
        raw=False,
    )
    prepare(settings)
    with running_worker(settings, tmp_path) as worker:
        asyncio.run(produce(settings, [message]))
        extra = len(NEW_RULE_TEASERS)
        wait_accounted(worker, pages=1, sightings=TEASERS_000 + extra)
        _, teasers, dead = outputs(settings)
    assert dead == []
    by_headline = {t["headline"]: t["enrichment"]["entities"] for t in teasers}
    for headline, (_, expected) in NEW_RULE_TEASERS.items():
        entities = by_headline[headline]
        assert entities["people"] == []
        for field, value in expected.items():
            assert entities[field] == value, (headline, field)


def kcat_env(folder: Path) -> dict[str, str]:
    """Debian's kcat links librdkafka 2.0, which fails Tansu 0.6's version handshake.

    The librdkafka 2.16 inside the confluent-kafka wheel works, but the wheel renames
    it (`librdkafka-<hash>.so.1`), so a `librdkafka.so.1` link to it goes first on
    the library path.
    """
    import confluent_kafka

    libs = Path(confluent_kafka.__file__).parent.parent / "confluent_kafka.libs"
    (folder / "librdkafka.so.1").symlink_to(next(libs.glob("librdkafka-*.so.1")))
    return {**os.environ, "LD_LIBRARY_PATH": str(folder)}


def test_page_from_kcat_as_raw_body_with_headers_is_processed_like_stream_produce(
    settings: Settings, tmp_path: Path
) -> None:
    kcat = require_tool("kcat", "kcat")
    prepare(settings)
    with running_worker(settings, tmp_path) as worker:
        url = "https://tass.com/politics/kcat"
        subprocess.run(
            [
                kcat,
                "-P",
                "-b",
                str(settings.bootstrap_servers),
                "-t",
                settings.topic_pages,
                "-k",
                url,
                "-H",
                f"url={url}",
                "-H",
                "fetched_at=2026-02-11T12:00:00Z",
                "-H",
                "content-type=text/plain",
                str(SAMPLE_000),
            ],
            env=kcat_env(tmp_path),
            check=True,
            timeout=30,
            capture_output=True,
        )
        # The same page as stream produce would send it, as a JSON envelope.
        key, value, headers = encode_page(
            SAMPLE_000.read_bytes(),
            content_type="text/plain",
            url=url,
            fetched_at=dt.datetime(2026, 2, 11, 12, tzinfo=dt.UTC),
            raw=False,
        )
        asyncio.run(produce(settings, [(key, value, headers)]))
        wait_accounted(worker, pages=2, sightings=2 * TEASERS_000)
        articles, teasers, dead = outputs(settings)
    assert dead == []
    assert len(articles) == 2
    via_kcat, via_envelope = ({k: v for k, v in a.items() if k != "parsed_at"} for a in articles)
    assert via_kcat == via_envelope
    assert via_kcat["url"] == url
    assert via_kcat["dateline"]["date"] == "2026-02-11"
    assert len(teasers) == TEASERS_000


BAD_INPUTS: list[tuple[bytes | None, str]] = [
    (b"", "empty"),
    (None, "empty"),
    (b"\xff\xfe\xfd not utf-8", "not_utf8"),
    (b'{"url": "https://x", "body": ', "bad_envelope"),
    (b'{"body": 12}', "bad_envelope"),
    (b"just some words without any article structure", "no_article"),
]


def test_bad_inputs_become_dead_letters_and_the_worker_keeps_going(
    settings: Settings, tmp_path: Path
) -> None:
    prepare(settings)
    with running_worker(settings, tmp_path) as worker:
        messages = [(f"bad-{i}".encode(), value, []) for i, (value, _) in enumerate(BAD_INPUTS)]
        messages.append((None, SAMPLE_002.read_bytes(), [("content-type", b"text/plain")]))
        asyncio.run(produce(settings, messages))
        wait_accounted(worker, pages=len(messages), sightings=TEASERS_002)
        articles, teasers, dead = outputs(settings)
        metrics = worker.metrics()
        assert worker.process is not None
        assert worker.process.poll() is None
    assert len(articles) == 1
    assert len(teasers) == TEASERS_002
    by_key = {d["key"]: d for d in dead}
    assert len(dead) == len(BAD_INPUTS)
    for i, (_value, reason) in enumerate(BAD_INPUTS):
        letter = by_key[f"bad-{i}"]
        assert letter["reason"] == reason, letter
        assert letter["source"]["topic"] == settings.topic_pages
        assert letter["detail"]
    assert metrics['stream_pages_total{outcome="dead_letter"}'] == len(BAD_INPUTS)
    assert Counter(d["reason"] for d in dead) == Counter(r for _, r in BAD_INPUTS)


def test_two_workers_in_one_group_publish_the_same_unique_set_as_one(
    settings: Settings, tmp_path: Path
) -> None:
    prepare(settings)
    first = WorkerProcess.start(settings, tmp_path, "a")
    second = WorkerProcess.start(settings, tmp_path, "b")
    try:
        first.wait_ready()
        second.wait_ready()
        # Let the group settle on both members before pages flow.
        wait_for(
            lambda: all(w.get("/readyz")[0] == 200 for w in (first, second)),
            timeout=30,
            message="both workers ready",
        )
        publish_samples(settings, repeat=2)
        wait_for(
            lambda: (
                tuple(map(sum, zip(accounted(first), accounted(second), strict=True)))
                >= (4, 2 * (TEASERS_000 + TEASERS_002))
            ),
            timeout=PROCESS_TIMEOUT_S,
            message=f"two workers accounted\n{first.log()}\n{second.log()}",
        )
        articles, teasers, _ = outputs(settings)
    finally:
        first.stop()
        second.stop()
    ids = [t["teaser_id"] for t in teasers]
    assert len(articles) == 4
    assert len(ids) == len(set(ids)) == UNIQUE_BOTH


# rocksdb compares the changelog offset it persisted with the broker's end offset at
# start: on Tansu that needs `verify_end_offsets` (without it the worker exited with
# "persisted offset 51 > highwater 25").
@pytest.mark.parametrize("store", ["memory://", "rocksdb://"])
def test_worker_restarted_after_sigterm_publishes_no_teaser_twice(
    settings: Settings, tmp_path: Path, store: str
) -> None:
    settings = settings.model_copy(update={"store": store})
    prepare(settings)
    worker = WorkerProcess.start(settings, tmp_path, "before")
    worker.wait_ready()
    publish_samples(settings)
    wait_accounted(worker, pages=2, sightings=TEASERS_000 + TEASERS_002)
    assert worker.stop(signal.SIGTERM) == 0, worker.log()

    with running_worker(settings, tmp_path, "after") as again:
        publish_samples(settings)
        wait_accounted(again, pages=2, sightings=TEASERS_000 + TEASERS_002)
        articles, teasers, _ = outputs(settings)
        metrics = again.metrics()
    ids = [t["teaser_id"] for t in teasers]
    assert len(articles) == 4
    assert len(ids) == len(set(ids)) == UNIQUE_BOTH
    # The restarted worker saw every teaser as a repeat: its state came back.
    assert metrics['stream_teasers_total{result="repeat"}'] == UNIQUE_BOTH
