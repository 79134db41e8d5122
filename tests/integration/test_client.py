"""`stream.client` against the real embedded broker, and `examples/print_new_teasers.py`.

Teaser records are produced straight to the test's own teasers topic (no worker),
on one partition where order matters, so every expectation is exact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Literal, TypeVar

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from stream.client import (
    InvalidRecord,
    Received,
    RecentIds,
    Subscription,
    model_for_topic,
    subscribe,
)
from stream.codec import dumps
from stream.errors import ConfigError
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import ensure_topics
from stream.models import Article, DeadLetter, Teaser
from stream.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "print_new_teasers.py"
SEEN_AT = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
TIMEOUT_S = 30.0

M = TypeVar("M", bound=BaseModel)


def teaser(n: int, headline: str | None = None) -> Teaser:
    return Teaser(
        teaser_id=f"t{n:015d}",
        headline=headline or f"Headline {n}",
        lead=f"Lead {n}",
        first_page_id="p000000000000001",
        first_seen_at=SEEN_AT,
    )


@pytest.fixture
async def topics(settings: Settings) -> Settings:
    assert settings.bootstrap_servers
    await ensure_topics(settings, settings.bootstrap_servers)
    return settings


async def produce(settings: Settings, values: list[tuple[str | None, bytes]]) -> None:
    """(key, value) records to the teasers topic, all on partition 0, in order."""
    assert settings.bootstrap_servers
    producer = AIOKafkaProducer(**client_kwargs(settings, settings.bootstrap_servers))
    await producer.start()
    try:
        for key, value in values:
            await asyncio.wait_for(
                producer.send_and_wait(
                    settings.topic_teasers,
                    value,
                    key=key.encode() if key is not None else None,
                    partition=0,
                ),
                TIMEOUT_S,
            )
    finally:
        await asyncio.wait_for(producer.stop(), TIMEOUT_S)


async def produce_teasers(settings: Settings, teasers: list[Teaser]) -> None:
    await produce(settings, [(t.teaser_id, dumps(t)) for t in teasers])


async def take(subscription: Subscription[M], n: int) -> list[Received[M]]:
    """The next `n` items, or a timeout instead of a test that hangs."""

    async def collect() -> list[Received[M]]:
        items = []
        async for item in subscription:
            items.append(item)
            if len(items) == n:
                break
        return items

    return await asyncio.wait_for(collect(), TIMEOUT_S)


def teasers_of(
    settings: Settings,
    *,
    group: str | None = None,
    dedupe: bool = False,
    on_invalid: Literal["raise", "skip"] = "raise",
) -> Subscription[Teaser]:
    return subscribe(
        settings.topic_teasers,
        model=Teaser,
        settings=settings,
        group=group,
        dedupe=dedupe,
        on_invalid=on_invalid,
    )


def group() -> str:
    return f"client-test-{uuid.uuid4().hex[:8]}"


# -- Without a broker ----------------------------------------------------------------


def test_recent_ids_forgets_the_least_recently_seen_beyond_capacity() -> None:
    recent = RecentIds(2)

    firsts = [recent.seen("a"), recent.seen("b"), recent.seen("a"), recent.seen("c")]

    # "b" was the least recently seen when "c" arrived; "a" had just been refreshed.
    assert firsts == [False, False, True, False]
    assert len(recent) == 2
    assert [recent.seen("a"), recent.seen("b")] == [True, False]


def test_model_for_topic_follows_the_topic_names_in_settings() -> None:
    settings = Settings(topic_articles="a", topic_teasers="t", topic_dlq="d")

    models = [model_for_topic(topic, settings) for topic in ("a", "t", "d")]

    assert [Article, Teaser, DeadLetter] == models
    with pytest.raises(ConfigError, match="pass model="):
        model_for_topic("pages.raw", settings)


def test_subscribe_without_a_cluster_says_how_to_name_one() -> None:
    with pytest.raises(ConfigError, match="STREAM_BOOTSTRAP_SERVERS"):
        subscribe("teasers.unique", settings=Settings(bootstrap_servers=None))


class NoId(BaseModel):
    text: str


def test_dedupe_of_a_model_without_an_id_is_refused() -> None:
    with pytest.raises(ConfigError, match="dedupe needs a record with an id"):
        subscribe("other", model=NoId, bootstrap_servers="localhost:9092", dedupe=True)


# -- Against the broker ----------------------------------------------------------------


@pytest.mark.integration
async def test_records_arrive_as_their_model_with_their_kafka_position(topics: Settings) -> None:
    sent = [teaser(1), teaser(2), teaser(3)]
    await produce_teasers(topics, sent)

    # No model given: the topic name picks `Teaser`.
    async with subscribe(topics.topic_teasers, settings=topics) as sub:
        items = await take(sub, 3)

    assert [type(item.record) for item in items] == [Teaser, Teaser, Teaser]
    assert sent == [item.record for item in items]
    assert [(topics.topic_teasers, 0, 0, "t000000000000001")] == [
        (i.topic, i.partition, i.offset, i.key) for i in items[:1]
    ]
    assert [item.offset for item in items] == [0, 1, 2]


@pytest.mark.integration
async def test_dedupe_drops_a_repeated_teaser_id(topics: Settings) -> None:
    await produce_teasers(topics, [teaser(1), teaser(2), teaser(1), teaser(3)])

    async with teasers_of(topics, dedupe=True) as sub:
        items = await take(sub, 3)
        duplicates = sub.duplicates

    assert [item.record.teaser_id for item in items] == [
        "t000000000000001",
        "t000000000000002",
        "t000000000000003",
    ]
    assert [item.offset for item in items] == [0, 1, 3]
    assert duplicates == 1


@pytest.mark.integration
async def test_a_new_subscription_in_the_group_resumes_after_the_committed_offset(
    topics: Settings,
) -> None:
    await produce_teasers(topics, [teaser(n) for n in range(1, 5)])
    name = group()

    async with teasers_of(topics, group=name) as first:
        read = await take(first, 3)
        # Only the second record is done: the third must be delivered again.
        await first.commit(read[1])

    async with teasers_of(topics, group=name) as second:
        resumed = await take(second, 2)

    assert [item.offset for item in resumed] == [2, 3]
    assert [teaser(3), teaser(4)] == [item.record for item in resumed]


@pytest.mark.integration
async def test_commit_without_a_group_is_refused(topics: Settings) -> None:
    await produce_teasers(topics, [teaser(1)])

    async with teasers_of(topics) as sub:
        item = (await take(sub, 1))[0]
        with pytest.raises(ConfigError, match="needs a consumer group"):
            await sub.commit(item)


@pytest.mark.integration
async def test_an_invalid_record_raises_by_default_and_iteration_goes_on_after_it(
    topics: Settings,
) -> None:
    await produce(topics, [("bad", b'{"schema": "teaser/1", "headline": 3}')])
    await produce_teasers(topics, [teaser(1)])

    async with teasers_of(topics) as sub:
        with pytest.raises(InvalidRecord, match="not a valid Teaser") as raised:
            await asyncio.wait_for(anext(sub), TIMEOUT_S)
        after = await take(sub, 1)

    assert (topics.topic_teasers, 0, 0) == (
        raised.value.topic,
        raised.value.partition,
        raised.value.offset,
    )
    assert [teaser(1)] == [item.record for item in after]


@pytest.mark.integration
async def test_an_invalid_record_is_skipped_with_a_warning_when_asked(
    topics: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    await produce(topics, [("bad", b"not json"), ("gone", b"")])
    await produce_teasers(topics, [teaser(1)])

    with caplog.at_level(logging.WARNING, logger="stream.client"):
        async with teasers_of(topics, on_invalid="skip") as sub:
            items = await take(sub, 1)
            skipped = sub.skipped

    assert [teaser(1)] == [item.record for item in items]
    assert skipped == 2
    assert sum("skipping invalid record" in r.getMessage() for r in caplog.records) == 2


@pytest.mark.integration
async def test_fields_added_by_a_newer_producer_are_ignored(topics: Settings) -> None:
    newer = orjson.loads(dumps(teaser(1)))
    newer["added_later"] = {"any": "shape"}
    newer["enrichment"]["sentiment"] = 0.5
    await produce(topics, [("t000000000000001", orjson.dumps(newer))])

    async with teasers_of(topics) as sub:
        items = await take(sub, 1)

    assert [teaser(1)] == [item.record for item in items]


@pytest.mark.integration
async def test_a_missing_topic_is_a_clear_error(topics: Settings) -> None:
    missing = f"missing-{uuid.uuid4().hex[:8]}"

    with pytest.raises(ConfigError, match="does not exist"):
        async with subscribe(missing, model=Teaser, settings=topics):
            pass  # pragma: no cover


# -- The example program ----------------------------------------------------------------


async def run_example(settings: Settings, *args: str) -> list[str]:
    assert settings.bootstrap_servers
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        "--bootstrap",
        settings.bootstrap_servers,
        "--topic",
        settings.topic_teasers,
        *args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 2 * TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0, err.decode()
    return out.decode().splitlines()


@pytest.mark.integration
async def test_example_prints_each_new_teaser_once_then_only_later_ones(
    topics: Settings,
) -> None:
    # The repeat of teaser 1 sits right behind it: the example's dedupe drops it.
    await produce_teasers(topics, [teaser(1), teaser(1), teaser(2, "Lavrov says — Lavrov")])
    name = group()

    first_run = await run_example(topics, "--group", name, "--limit", "2")
    await produce_teasers(topics, [teaser(3)])
    second_run = await run_example(topics, "--group", name, "--limit", "1")

    assert first_run == [
        "2026-02-11 09:30  t000000000000001  Headline 1",
        "2026-02-11 09:30  t000000000000002  Lavrov says — Lavrov",
    ]
    # The first run committed past teaser 2, so teaser 3 is all the second one sees.
    assert second_run == ["2026-02-11 09:30  t000000000000003  Headline 3"]
