"""A rebalance, driven through faust's own assignment and recovery code, without a broker.

faust resumes the stream partitions before it seeks them to their committed offsets
and clears the agents' queues: records fetched in between were cleared, and counted
as done by its gap bookkeeping, so a SIGKILL restart lost or stalled pages
(`tests/test_faults.py`). `stream._faust.transport` holds them back until after both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faust.types import TP

from stream.kafka.worker import create_app
from stream.settings import Settings

SETTINGS = Settings(bootstrap_servers="127.0.0.1:1", partitions=2)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    """An App never started: its consumer's partition bookkeeping, no broker."""
    settings = SETTINGS.model_copy(update={"data_dir": str(tmp_path)})
    app: Any = create_app(settings, bootstrap_servers="127.0.0.1:1")
    yield app
    app.consumer._thread.thread_loop.close()  # made with the consumer, never run


async def test_stream_partitions_resume_only_after_the_seek_and_the_queue_clear(
    app: Any,
) -> None:
    consumer = app.consumer
    streams = {TP(SETTINGS.topic_pages, p) for p in range(2)}
    changelogs = {TP(topic, p) for topic in app.tables.changelog_topics for p in range(2)}
    assert changelogs
    consumer.assignment = lambda: streams | changelogs
    active: dict[str, set[TP]] = {}

    async def perform_seek() -> None:
        active["seek"] = set(consumer._get_active_partitions())

    clear_queues = app.flow_control.resume

    def flow_control_resume() -> None:
        active["clear"] = set(consumer._get_active_partitions())
        clear_queues()

    async def fetcher_start() -> None:
        pass

    async def app_on_assigned(assigned: set[TP], generation_id: int) -> None:
        # The App's callback, which starts table recovery: what is fetched meanwhile.
        active["recovery"] = set(consumer._get_active_partitions())

    consumer.perform_seek = perform_seek
    app.flow_control.resume = flow_control_resume
    app._fetcher.maybe_start = fetcher_start
    consumer._on_partitions_assigned = app_on_assigned
    # faust's own on_partitions_assigned, behind stream's hold on new streams.
    await consumer.on_partitions_assigned(streams | changelogs)
    assert active["recovery"] == changelogs, "streams fetched during recovery"
    assert consumer._get_active_partitions() == changelogs, "streams fetched during recovery"

    await app.tables.recovery.on_recovery_completed(app.consumer_generation_id)

    assert active["seek"] & streams == set(), "stream partitions fetched while being seeked"
    assert active["clear"] & streams == set(), "stream partitions fetched into cleared queues"
    assert consumer._get_active_partitions() >= streams


async def test_a_rebalance_before_the_seek_keeps_held_partitions_paused(app: Any) -> None:
    consumer = app.consumer
    streams = {TP(SETTINGS.topic_pages, p) for p in range(2)}
    consumer.assignment = lambda: streams
    consumer.pause_partitions(streams)
    consumer.resume_partitions(streams)
    consumer.pause_partitions(streams)  # revoked/reassigned before the recovery ended
    consumer.resume_flow()
    assert consumer._get_active_partitions() & streams == set()


async def test_a_drained_stream_buffer_does_not_reactivate_a_partition_held_for_its_seek(
    app: Any,
) -> None:
    """Under load a stream's buffer fills (faust parks the partition) and drains later.

    faust's `on_buffer_drop` makes the partition active again whatever else holds
    it: during a rebalance's recovery it was fetched before its seek, the records
    went into queues that recovery clears, and the partition stalled behind the
    gap (the one-of-two fault test, about one run in four under load).
    """
    consumer = app.consumer
    streams = {TP(SETTINGS.topic_pages, p) for p in range(2)}
    consumer.assignment = lambda: streams
    tp = TP(SETTINGS.topic_pages, 0)
    consumer.on_buffer_full(tp)  # before the rebalance, while processing
    consumer.hold_new_streams(streams)  # the rebalance: held until recovery ends
    consumer.pause_partitions(streams)
    consumer.resume_partitions(streams)  # recovery's end, before the seek
    consumer.on_buffer_drop(tp)  # the agent drained its buffer meanwhile
    assert tp not in consumer._get_active_partitions(), "fetched before its seek"
    consumer.resume_flow()  # after the seek and the queue clear
    assert consumer._get_active_partitions() >= streams
