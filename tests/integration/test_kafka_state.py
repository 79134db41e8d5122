"""State on a real broker: compacted changelogs restore the live keys; lag is the backlog.

Tansu has no compaction (README, "The embedded broker and its limits"), so the
compaction test skips on it with that reason: there is nothing to check there.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import EmbeddedBroker
from stream.settings import Settings
from stream.testing.apache_kafka import ApacheKafka
from stream.testing.feed import FeedPage, crawl_feed
from stream.testing.workers import WorkerProcess
from tests.integration.kafka_helpers import accounted, prepare, produce_feed, read_topic, wait_for

# Long enough for a phase of pages to be done well inside it, short enough to wait out.
RETENTION_S = 12.0
FEED: dict[str, int] = {"window": 20, "new_per_page": 1, "sites": 2}
TIMEOUT_S = 60.0


def kafka_only(broker: EmbeddedBroker | ApacheKafka, what: str) -> None:
    if isinstance(broker, EmbeddedBroker):
        pytest.skip(f"Tansu 0.6 has no {what} (README, the embedded broker's limits)")


def teaser_ids(pages: list[FeedPage]) -> set[str]:
    return {t.teaser_id for page in pages for t in page.teasers}


def dedup_keys(worker: WorkerProcess) -> float:
    return worker.metrics()["stream_dedup_state_keys"]


def wait_done(worker: WorkerProcess, pages: int, keys: int) -> None:
    wait_for(
        lambda: accounted(worker)[0] >= pages and dedup_keys(worker) == keys,
        timeout=TIMEOUT_S,
        message=f"{pages} pages done and {keys} dedup keys; got {accounted(worker)}, "
        f"{worker.metrics().get('stream_dedup_state_keys')} keys\n{worker.log()}",
    )


async def _admin_call(settings: Settings, call: Any) -> Any:
    assert settings.bootstrap_servers
    admin = AIOKafkaAdminClient(**client_kwargs(settings, settings.bootstrap_servers))
    await admin.start()
    try:
        return await call(admin)
    finally:
        await admin.close()


_DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs v1+ config_source: set on the topic itself


def topic_overrides(settings: Settings, topic: str) -> dict[str, str]:
    """The configs set on `topic` itself (faust sets `cleanup.policy` on its changelogs)."""

    async def describe(admin: AIOKafkaAdminClient) -> Any:
        return await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])

    (response,) = asyncio.run(_admin_call(settings, describe))
    assert response.API_VERSION >= 1, "config_source needs DescribeConfigs v1"
    (resource,) = response.resources
    return {e[0]: e[1] for e in resource[4] if e[3] == _DYNAMIC_TOPIC_CONFIG}


def clean_soon(settings: Settings, topic: str) -> None:
    """Make the log cleaner compact `topic` within seconds instead of at 1 GB segments."""
    # AlterConfigs replaces every config of the topic: the ones it has are kept.
    configs = {
        **topic_overrides(settings, topic),
        "segment.ms": "1000",  # a new segment a second, so written records become cleanable
        "min.cleanable.dirty.ratio": "0.01",
        "min.compaction.lag.ms": "0",
    }

    async def alter(admin: AIOKafkaAdminClient) -> Any:
        return await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs)])

    (response,) = asyncio.run(_admin_call(settings, alter))
    assert all(r[0] == 0 for r in response.resources), response
    assert topic_overrides(settings, topic) == configs


def published_teasers(settings: Settings) -> Counter[str]:
    records = asyncio.run(read_topic(settings, settings.topic_teasers))
    return Counter(r.key.decode() for r in records)


def changelog_values(settings: Settings, topic: str) -> list[tuple[str, bytes | None]]:
    # faust writes table keys as JSON strings.
    return [(orjson.loads(r.key), r.value) for r in asyncio.run(read_topic(settings, topic))]


def test_a_restarted_worker_restores_exactly_the_live_keys_from_a_compacted_changelog(
    broker: EmbeddedBroker | ApacheKafka, settings: Settings, tmp_path: Path
) -> None:
    kafka_only(broker, "log compaction")
    settings = settings.model_copy(
        update={"dedup_retention_days": RETENTION_S / 86_400, "dedup_sweep_interval_s": 0.5}
    )
    changelog = f"{settings.app_id}-teasers-seen-changelog"
    prepare(settings)
    expired = list(crawl_feed(20, seed=1, **FEED))  # first seen, then expired
    live = list(crawl_feed(20, seed=2, **FEED))  # seen after the expiry: still live
    tail = list(crawl_feed(4, seed=3, **FEED))  # written after the expiry's deletes
    assert not teaser_ids(expired) & teaser_ids(live) | teaser_ids(expired) & teaser_ids(tail)
    live_ids = teaser_ids(live) | teaser_ids(tail)

    worker = WorkerProcess.start(settings, tmp_path, "first")
    try:
        worker.wait_ready()
        assert topic_overrides(settings, changelog)["cleanup.policy"] == "compact"
        clean_soon(settings, changelog)
        produce_feed(settings, expired)
        wait_done(worker, len(expired), len(teaser_ids(expired)))
        time.sleep(RETENTION_S + 0.5)
        # The sweeps run as sightings arrive: these pages expire the first ones' keys.
        produce_feed(settings, live)
        wait_done(worker, len(expired) + len(live), len(teaser_ids(live)))
        # A second later, on a new segment: the deletes above become cleanable.
        time.sleep(1.5)
        produce_feed(settings, tail)
        wait_done(worker, len(expired) + len(live) + len(tail), len(live_ids))
    finally:
        assert worker.stop() == 0, worker.log()

    def compacted() -> bool:
        # The cleaner removed every value of an expired key; its tombstone is kept
        # (delete.retention.ms) so that a restore deletes what an older segment held.
        records = changelog_values(settings, changelog)
        return not any(key in teaser_ids(expired) and value for key, value in records)

    wait_for(compacted, timeout=TIMEOUT_S, interval=1.0, message="changelog never compacted")
    records = changelog_values(settings, changelog)
    assert {key for key, value in records if value} == live_ids

    again = WorkerProcess.start(settings, tmp_path, "restarted")
    try:
        again.wait_ready()
        assert dedup_keys(again) == len(live_ids), again.log()
        # Behaviour, not only a count: an expired teaser is new again, a live one a repeat.
        before = published_teasers(settings)
        produce_feed(settings, expired[:1] + live[-1:])
        wait_for(
            lambda: accounted(again)[0] >= 2,
            timeout=TIMEOUT_S,
            message=f"two pages after the restart\n{again.log()}",
        )
        wait_for(
            lambda: (published_teasers(settings) - before).total() >= len(expired[0].teasers),
            timeout=TIMEOUT_S,
            message=f"the expired page's teasers published again\n{again.log()}",
        )
        again_published = published_teasers(settings) - before
    finally:
        assert again.stop() == 0, again.log()
    assert again_published == Counter(t.teaser_id for t in expired[0].teasers)


def test_consumer_lag_is_the_backlog_of_uncommitted_pages(
    broker: EmbeddedBroker | ApacheKafka, settings: Settings, tmp_path: Path
) -> None:
    # No commit for an hour: every page stays backlog for the group, however far the
    # worker has read, so the gauge must count all of them.
    settings = settings.model_copy(update={"commit_interval_s": 3600.0})
    prepare(settings)
    pages = list(crawl_feed(30, **FEED))
    worker = WorkerProcess.start(settings, tmp_path, "lagging")
    try:
        worker.wait_ready()
        produce_feed(settings, pages)

        def pages_lag() -> float:
            samples = worker.metrics()
            prefix = "stream_consumer_lag{"
            return sum(
                v for k, v in samples.items() if k.startswith(prefix) and settings.topic_pages in k
            )

        wait_for(
            lambda: accounted(worker)[0] >= len(pages) and pages_lag() == len(pages),
            timeout=TIMEOUT_S,
            message=f"lag of {len(pages)} pages; gauge says {pages_lag()}\n{worker.log()}",
        )
        if isinstance(broker, ApacheKafka):
            # The broker agrees; Tansu's ListOffsets would under-report batched pages.
            assert _true_backlog(settings) == len(pages)
    finally:
        worker.stop()


def _true_backlog(settings: Settings) -> int:
    async def read() -> int:
        assert settings.bootstrap_servers
        consumer = AIOKafkaConsumer(
            **client_kwargs(settings, settings.bootstrap_servers),
            group_id=settings.app_id,
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            tps = [TopicPartition(settings.topic_pages, p) for p in range(settings.partitions)]
            ends = await consumer.end_offsets(tps)
            backlog = 0
            for tp in tps:
                backlog += ends[tp] - (await consumer.committed(tp) or 0)
            return backlog
        finally:
            await consumer.stop()

    return asyncio.run(read())
