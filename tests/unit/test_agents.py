"""The worker's agents in-process, through faust's `agent.test_context()`: no broker.

Each agent is a method of `stream.kafka.worker.Agents`, built here with fake output
topics (recording what would be sent) and plain dicts for the tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import faust
import orjson
import pytest
from prometheus_client import CollectorRegistry

from stream import codec, dedup, identity, pipeline
from stream.kafka.attempts import MemoryAttempts
from stream.kafka.worker import Agents, Outputs
from stream.metrics import Metrics
from stream.models import Sighting, TeaserBatch
from stream.settings import Settings
from stream.testing.faults import InjectedFault
from tests.conftest import SAMPLE_000

SETTINGS = Settings(partitions=2, page_batch_wait_ms=1)


class FakeTopic:
    """Records each send; the returned future is the broker's ack, already given."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(
        self, *, key: bytes | None = None, value: bytes, partition: int | None = None
    ) -> asyncio.Future[None]:
        self.sent.append({"key": key, "value": value, "partition": partition})
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ack.set_result(None)
        return ack


@pytest.fixture
def outputs() -> Outputs:
    return Outputs(
        articles=FakeTopic(),
        dead_letters=FakeTopic(),
        sightings=FakeTopic(),
        fresh=FakeTopic(),
        unique=FakeTopic(),
    )


@pytest.fixture
def seen() -> dict[str, Any]:
    return {}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[faust.App]:
    app = faust.App(
        "agents-test", broker="kafka://127.0.0.1:1", autodiscover=False, datadir=str(tmp_path)
    )
    yield app
    consumer: Any = app._consumer
    if consumer is not None:
        consumer._thread.thread_loop.close()  # made with the consumer, never run


def _agents(outputs: Outputs, seen: dict[str, Any]) -> Agents:
    return Agents(
        SETTINGS, metrics=Metrics(CollectorRegistry()), outputs=outputs, seen=seen, index={}
    )


async def test_pages_agent_turns_one_page_into_an_article_and_its_sightings(
    app: faust.App, outputs: Outputs, seen: dict[str, Any]
) -> None:
    agent = app.agent(app.channel(), name="pages")(_agents(outputs, seen).pages)
    async with agent.test_context() as running:
        await running.put(SAMPLE_000.read_bytes())
    articles: Any = outputs.articles
    sightings: Any = outputs.sightings
    assert len(articles.sent) == 1
    article = orjson.loads(articles.sent[0]["value"])
    assert articles.sent[0]["key"] == article["page_id"].encode()
    assert len(article["teaser_ids"]) == 101
    routed = {
        (sent["partition"], s["teaser_id"])
        for sent in sightings.sent
        for s in orjson.loads(sent["value"])["sightings"]
    }
    assert {tid for _, tid in routed} == set(article["teaser_ids"])
    assert all(identity.partition_for(tid, 2) == p for p, tid in routed)
    dead: Any = outputs.dead_letters
    assert dead.sent == []


def _batch(*headlines: str) -> bytes:
    return codec.dumps(
        TeaserBatch(
            sightings=[
                Sighting(
                    teaser_id=identity.teaser_id(h, None),
                    headline=h,
                    lead=None,
                    page_id="p",
                    url=None,
                    seen_at=dt.datetime(2026, 2, 12, tzinfo=dt.UTC),
                )
                for h in headlines
            ]
        )
    )


async def test_sightings_agent_sends_a_first_sighting_on_and_drops_its_repeat(
    app: faust.App, outputs: Outputs, seen: dict[str, Any]
) -> None:
    agent = app.agent(app.channel(), name="sightings")(_agents(outputs, seen).sightings)
    async with agent.test_context() as running:
        await running.put(_batch("Once"))
        await running.put(_batch("Once"))
    fresh: Any = outputs.fresh
    assert len(fresh.sent) == 1
    teasers = orjson.loads(fresh.sent[0]["value"])["teasers"]
    assert [t["headline"] for t in teasers] == ["Once"]
    assert set(seen) == {identity.teaser_id("Once", None)}
    assert dedup.first_sightings([TeaserBatch.model_validate_json(_batch("Once"))], seen) == []


MARKER = "test-fault-3f9c1a"


async def test_a_page_the_parse_stage_raises_on_fails_until_its_last_attempt_then_is_a_dead_letter(
    app: faust.App, outputs: Outputs, seen: dict[str, Any]
) -> None:
    settings = SETTINGS.model_copy(update={"test_fault_marker": MARKER, "poison_attempts": 3})
    attempts = MemoryAttempts()
    registry = CollectorRegistry()
    agents = Agents(
        settings,
        metrics=Metrics(registry),
        outputs=outputs,
        seen=seen,
        index={},
        attempts=attempts,
    )
    poison_page = SAMPLE_000.read_bytes() + MARKER.encode()
    for attempt in (1, 2):
        agent = app.agent(app.channel(), name=f"pages-{attempt}")(agents.pages)
        # The agent raises (the worker's handler would exit, code 70), the page is
        # not done, and the failed attempt is counted where the restart reads it.
        # faust's test wrapper re-raises the crash from `put` only when the crash is
        # recorded before `put` wakes (on a busy machine, not always): both are fine.
        async with agent.test_context() as running:
            with contextlib.suppress(InjectedFault):
                await running.put(poison_page, key=b"https://example.org/a")
        assert list(attempts.counts.values()) == [attempt]
    dead: Any = outputs.dead_letters
    assert dead.sent == []

    agent = app.agent(app.channel(), name="pages-3")(agents.pages)
    async with agent.test_context() as running:
        await running.put(poison_page, key=b"https://example.org/a")
        await running.put(SAMPLE_000.read_bytes())

    (letter,) = [orjson.loads(sent["value"]) for sent in dead.sent]
    assert letter["reason"] == "internal_error"
    assert letter["detail"].startswith(
        "stage parse raised stream.testing.faults.InjectedFault: injected fault"
    )
    assert poison_page.decode() == letter["value"]
    assert letter["key"] == "https://example.org/a"
    assert dead.sent[0]["key"] == b"https://example.org/a"
    articles: Any = outputs.articles
    assert len(articles.sent) == 1
    assert (
        registry.get_sample_value("stream_poison_pages_total", {"stage": "parse"}),
        registry.get_sample_value("stream_dead_letters_total", {"reason": "internal_error"}),
    ) == (1.0, 1.0)


async def test_without_the_test_marker_setting_the_hook_is_not_in_the_path(
    outputs: Outputs, seen: dict[str, Any]
) -> None:
    assert _agents(outputs, seen).process_page is pipeline.process_page
