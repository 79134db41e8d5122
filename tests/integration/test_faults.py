"""Faults against real `stream run` processes and a real broker: the README's guarantees.

At-least-once (README, "Processing guarantees"): after SIGKILL nothing is missing,
and an output repeats only if its first copy was published within the commit
window before the kill (`REPEAT_WINDOW_S`). SIGTERM repeats nothing. A broker that
is not there yet, hangs or dies is reported, waited for, or ends the worker with
a clear error: never a silent hang.

Everything is counted by reading the topics (Tansu under-reports end offsets),
every wait has a deadline, and each failure message ends with the worker's log.
The measured figures are printed (`pytest -s` shows them).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import EmbeddedBroker, free_port
from stream.kafka.exits import EXIT_BROKER_LOST
from stream.settings import Settings
from stream.testing.feed import FeedPage, crawl_feed
from stream.testing.workers import WorkerProcess, running_worker
from tests.integration.kafka_helpers import (
    accounted,
    prepare,
    produce_feed,
    read_topic,
    wait_for,
    wait_group_ready,
)

pytestmark = pytest.mark.integration

PAGES = 500
# ~600 distinct teasers: each first sighting costs ~33 changelog writes to the
# one-partition near-duplicate index, one round trip each on Tansu (one record per
# batch), so the feed's default (~1,900) would take minutes on a loaded machine.
FEED: dict[str, int] = {"window": 50, "new_per_page": 1, "sites": 2}
# Pages of the second half done when the worker is stopped: commits lag a loaded
# worker by seconds (the changelog backlog), so the first half is committed first
# and the signal lands with pages in flight in every agent.
KILL_AFTER = 60
# SIGTERM: the final commit waits for the outputs in flight (the changelog backlog
# of a loaded worker included), then tables and the producer stop.
SIGTERM_BOUND_S = 30.0
DONE_TIMEOUT_S = 120.0

TP = tuple[str, int]


@dataclass
class Outputs:
    """What the pipeline wrote; records keep their partition, offset and timestamp (ms)."""

    articles: list[Any]
    teasers: list[Any]

    @classmethod
    def read(cls, settings: Settings) -> Outputs:
        return cls(
            asyncio.run(read_topic(settings, settings.topic_articles)),
            asyncio.run(read_topic(settings, settings.topic_teasers)),
        )

    def urls(self) -> set[str]:
        return {orjson.loads(r.value)["url"] for r in self.articles}

    def teaser_ids(self) -> set[str]:
        return {r.key.decode() for r in self.teasers}

    def complete(self, pages: list[FeedPage]) -> bool:
        return self.urls() >= {p.url for p in pages} and self.teaser_ids() >= expected_teasers(
            pages
        )


def expected_teasers(pages: list[FeedPage]) -> set[str]:
    return {t.teaser_id for page in pages for t in page.teasers}


def first_copies(records: list[Any], key: Any) -> dict[str, Any]:
    """Id of each output seen more than once -> its first copy (by broker timestamp)."""
    counts = Counter(key(r) for r in records)
    first: dict[str, Any] = {}
    for r in sorted(records, key=lambda r: r.timestamp):
        first.setdefault(key(r), r)
    return {k: r for k, r in first.items() if counts[k] > 1}


def committed_offsets(settings: Settings) -> dict[TP, int]:
    """The group's committed offset of every partition it consumes (0 if none)."""

    async def read() -> dict[TP, int]:
        assert settings.bootstrap_servers
        # No subscription: an OffsetFetch only, the group is not joined or disturbed.
        consumer = AIOKafkaConsumer(
            **client_kwargs(settings, settings.bootstrap_servers),
            group_id=settings.app_id,
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            tps = [
                TopicPartition(topic, p)
                for topic in (settings.topic_pages, settings.topic_sightings)
                for p in range(settings.partitions)
            ] + [TopicPartition(settings.topic_fresh, 0)]
            return {(tp.topic, tp.partition): await consumer.committed(tp) or 0 for tp in tps}
        finally:
            await asyncio.wait_for(consumer.stop(), 10)

    return asyncio.run(read())


def first_offsets(settings: Settings, topic: str, ids_of: Any) -> dict[str, tuple[TP, int]]:
    """Id -> (partition, offset) of the first record of `topic` that carries it."""
    first: dict[str, tuple[TP, int]] = {}
    records = asyncio.run(read_topic(settings, topic))
    for r in sorted(records, key=lambda r: r.offset):
        for id_ in ids_of(r):
            first.setdefault(id_, ((r.topic, r.partition), r.offset))
    return first


def uncommitted(at: tuple[TP, int], committed: dict[TP, int]) -> bool:
    tp, offset = at
    return offset >= committed[tp]


def page_offsets(settings: Settings) -> dict[str, tuple[TP, int]]:
    """URL -> (partition, offset) of each page in the pages topic."""
    return first_offsets(settings, settings.topic_pages, lambda r: [r.key.decode()])


@dataclass
class Repeats:
    articles: int
    teasers: int
    oldest_s: float  # age at the kill of the oldest first copy of a repeated output

    def describe(self) -> str:
        return (
            f"repeated {self.articles} articles and {self.teasers} teasers, the oldest "
            f"first copy {self.oldest_s:.2f} s before the kill"
        )


@dataclass
class Kill:
    at: float  # time.time()
    pages_done: float  # by the workers' counters, just before
    committed: dict[TP, int]  # the group's offsets right after
    pages_committed: int
    in_flight: int  # pages whose article was out but whose offset was not committed

    def describe(self, pages: int) -> str:
        return (
            f"SIGKILL at {self.pages_done:.0f}/{pages} pages done, "
            f"{self.pages_committed} committed, {self.in_flight} in flight"
        )


def assert_repeats_only_uncommitted(
    settings: Settings, outputs: Outputs, committed: dict[TP, int], killed_at: float, log: str
) -> Repeats:
    """Every repeated output traces back to an input not committed at the kill.

    The README's crash window, exactly: an article repeats only if its page's offset
    was not committed; a unique teaser only if the first sightings batch carrying it,
    or the first `teasers.fresh` record carrying it, was not committed.
    """
    articles = first_copies(outputs.articles, lambda r: orjson.loads(r.value)["url"])
    teasers = first_copies(outputs.teasers, lambda r: r.key.decode())
    page_at = page_offsets(settings)
    batch_at = first_offsets(
        settings,
        settings.topic_sightings,
        lambda r: [s["teaser_id"] for s in orjson.loads(r.value)["sightings"]],
    )
    fresh_at = first_offsets(
        settings,
        settings.topic_fresh,
        lambda r: [t["teaser_id"] for t in orjson.loads(r.value)["teasers"]],
    )

    bad_articles = [url for url in articles if not uncommitted(page_at[url], committed)]
    bad_teasers = [
        id_
        for id_ in teasers
        if not (uncommitted(batch_at[id_], committed) or uncommitted(fresh_at[id_], committed))
    ]
    assert not bad_articles, f"articles of committed pages repeated: {bad_articles}\n{log}"
    assert not bad_teasers, f"teasers of committed inputs repeated: {bad_teasers}\n{log}"
    ages = [killed_at - r.timestamp / 1000 for r in (*articles.values(), *teasers.values())]
    return Repeats(len(articles), len(teasers), max(ages, default=0.0))


def wait_until_done(
    settings: Settings, pages: list[FeedPage], workers: list[WorkerProcess]
) -> Outputs:
    """The outputs once every page and teaser is there and the workers went quiet."""

    def logs() -> str:
        return "\n".join(w.log() for w in workers)

    try:
        wait_for(
            lambda: Outputs.read(settings).complete(pages),
            timeout=DONE_TIMEOUT_S,
            interval=1.0,
            message=f"every article and unique teaser of {len(pages)} pages",
        )
    except AssertionError as timeout:
        outputs = Outputs.read(settings)
        urls = sorted({p.url for p in pages} - outputs.urls())
        ids = sorted(expected_teasers(pages) - outputs.teaser_ids())
        raise AssertionError(
            f"{timeout}: {len(urls)} articles missing {urls[:5]}, {len(ids)} teasers "
            f"missing {ids[:5]}; committed {committed_offsets(settings)}\n{logs()}"
        ) from None
    # Replayed work may still be in flight: done means two equal readings 1.5 s apart.
    previous: list[tuple[float, float]] = []

    def quiet() -> bool:
        now = [accounted(w) for w in workers if w.process and w.process.poll() is None]
        same = now == previous
        previous[:] = now
        return same

    wait_for(quiet, timeout=DONE_TIMEOUT_S, interval=1.5, message=f"workers quiet\n{logs()}")
    return Outputs.read(settings)


def wait_pages_done(workers: list[WorkerProcess], pages: int) -> float:
    """Wait until the workers finished `pages` pages; how many they had, by their counters."""
    done: list[float] = [0.0]

    def reached() -> bool:
        done[0] = sum(accounted(w)[0] for w in workers)
        return done[0] >= pages

    wait_for(
        reached,
        timeout=DONE_TIMEOUT_S,
        interval=0.05,
        message="\n".join(w.log() for w in workers),
    )
    return done[0]


def assert_nothing_missing(outputs: Outputs, pages: list[FeedPage]) -> None:
    assert outputs.urls() == {p.url for p in pages}
    assert outputs.teaser_ids() == expected_teasers(pages)


@pytest.fixture
def feed(settings: Settings) -> list[FeedPage]:
    prepare(settings)
    return list(crawl_feed(PAGES, **FEED))


def wait_committed(settings: Settings, pages: int, workers: list[WorkerProcess]) -> None:
    """Wait until `pages` pages are committed (all of the pages topic so far)."""
    wait_for(
        lambda: committed_pages(settings, committed_offsets(settings)) >= pages,
        timeout=DONE_TIMEOUT_S,
        interval=0.5,
        message=f"{pages} pages committed\n" + "\n".join(w.log() for w in workers),
    )


def committed_pages(settings: Settings, committed: dict[TP, int]) -> int:
    page_at = page_offsets(settings)
    return sum(1 for at in page_at.values() if not uncommitted(at, committed))


def kill_mid_stream(
    settings: Settings, feed: list[FeedPage], workers: list[WorkerProcess], victim: WorkerProcess
) -> Kill:
    """First half of the feed committed, then SIGKILL `victim` inside the second half."""
    half = len(feed) // 2
    produce_feed(settings, feed[:half])
    wait_committed(settings, half, workers)
    produce_feed(settings, feed[half:])
    done = wait_pages_done(workers, half + KILL_AFTER)
    killed_at = time.time()
    victim.stop(signal.SIGKILL)
    committed = committed_offsets(settings)
    published = Outputs.read(settings).urls()
    assert done < len(feed), "the workers finished before the kill: nothing was tested"
    page_at = page_offsets(settings)
    pages_committed = committed_pages(settings, committed)
    in_flight = sum(1 for url in published if uncommitted(page_at[url], committed))
    return Kill(killed_at, done, committed, pages_committed, in_flight)


def test_sigkill_mid_stream_loses_nothing_and_repeats_only_uncommitted_work(
    settings: Settings, feed: list[FeedPage], tmp_path: Path
) -> None:
    worker = WorkerProcess.start(settings, tmp_path, "killed")
    try:
        worker.wait_ready()
        kill = kill_mid_stream(settings, feed, [worker], worker)
    finally:
        worker.stop(signal.SIGKILL)

    restarted = WorkerProcess.start(settings, tmp_path, "restarted")
    try:
        restarted.wait_ready()
        outputs = wait_until_done(settings, feed, [restarted])
    finally:
        assert restarted.stop() == 0, restarted.log()
    assert_nothing_missing(outputs, feed)
    repeated = assert_repeats_only_uncommitted(
        settings, outputs, kill.committed, kill.at, worker.log() + restarted.log()
    )
    print(f"\nkill of one worker: {kill.describe(len(feed))}; {repeated.describe()}")


def test_one_of_two_workers_killed_the_survivor_takes_over_from_the_changelog(
    settings: Settings, feed: list[FeedPage], tmp_path: Path
) -> None:
    survivor = WorkerProcess.start(settings, tmp_path, "survivor")
    victim = WorkerProcess.start(settings, tmp_path, "victim")
    try:
        # Both members in the group before pages flow, so the kill splits real work.
        wait_group_ready([survivor, victim])
        kill = kill_mid_stream(settings, feed, [survivor, victim], victim)
        outputs = wait_until_done(settings, feed, [survivor])
        survivor_state = survivor.metrics()["stream_dedup_state_keys"]
    finally:
        victim.stop(signal.SIGKILL)
        assert survivor.stop() == 0, survivor.log()
    assert_nothing_missing(outputs, feed)
    repeated = assert_repeats_only_uncommitted(
        settings, outputs, kill.committed, kill.at, victim.log() + survivor.log()
    )
    # The survivor holds every dedup key, the victim's restored from the changelog.
    assert survivor_state == len(expected_teasers(feed))
    print(f"\nkill of one of two workers: {kill.describe(len(feed))}; {repeated.describe()}")


def test_sigterm_mid_stream_stops_in_bounded_time_and_a_restart_repeats_nothing(
    settings: Settings, feed: list[FeedPage], tmp_path: Path
) -> None:
    worker = WorkerProcess.start(settings, tmp_path, "terminated")
    try:
        worker.wait_ready()
        produce_feed(settings, feed)
        done = wait_pages_done([worker], len(feed) // 3)
        started = time.monotonic()
        code = worker.stop(signal.SIGTERM, timeout=SIGTERM_BOUND_S)
        took = time.monotonic() - started
    finally:
        worker.stop(signal.SIGKILL)
    assert code == 0, worker.log()
    assert done < len(feed), "the worker finished before SIGTERM: nothing was tested"

    with running_worker(settings, tmp_path, "after") as again:
        outputs = wait_until_done(settings, feed, [again])
    assert_nothing_missing(outputs, feed)
    assert first_copies(outputs.articles, lambda r: r.key.decode()) == {}
    assert first_copies(outputs.teasers, lambda r: r.key.decode()) == {}
    print(f"\nSIGTERM at {done:.0f}/{len(feed)} pages: stopped in {took:.2f} s, no repeats")


def test_worker_started_before_the_broker_waits_with_a_clear_line_then_connects(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    late = settings.model_copy(update={"bootstrap_servers": f"127.0.0.1:{port}"})
    worker = WorkerProcess.start(late, tmp_path, "early")
    try:
        worker.wait_log(f"waiting for Kafka at 127.0.0.1:{port} (attempt 2,")
        with EmbeddedBroker(port=port) as broker:
            took = worker.wait_ready()
            prepare(late)
            pages = list(crawl_feed(8, **FEED))
            produce_feed(late, pages)
            outputs = wait_until_done(late, pages, [worker])
            assert worker.stop() == 0, worker.log()
            assert broker.running
    finally:
        worker.stop(signal.SIGKILL)
    assert_nothing_missing(outputs, pages)
    assert "answered after" in full_log(worker)
    print(f"\nstarted before the broker: ready {took:.1f} s after the broker was")


def test_worker_gives_up_on_a_broker_that_never_comes_with_a_clear_error(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    absent = settings.model_copy(
        update={"bootstrap_servers": f"127.0.0.1:{port}", "broker_wait_s": 2.0}
    )
    worker = WorkerProcess.start(absent, tmp_path, "never")
    assert worker.process is not None
    assert worker.process.wait(30) == 1, worker.log()
    assert f"Kafka at 127.0.0.1:{port} did not answer within 2 s" in full_log(worker)
    assert "Traceback" not in full_log(worker)


def test_hung_broker_makes_the_worker_not_ready_then_it_recovers_and_a_dead_one_ends_it(
    settings: Settings, tmp_path: Path
) -> None:
    with EmbeddedBroker() as broker:
        own = settings.model_copy(
            update={"bootstrap_servers": broker.bootstrap_servers, "broker_lost_exit_s": 15.0}
        )
        prepare(own)
        pages = list(crawl_feed(40, **FEED))
        worker = WorkerProcess.start(own, tmp_path, "watched")
        try:
            worker.wait_ready()
            produce_feed(own, pages[:20])
            wait_pages_done([worker], 10)
            broker.send_signal(signal.SIGSTOP)
            try:
                stopped = time.monotonic()
                reason = wait_for(
                    lambda: not_ready_reason(worker),
                    timeout=15,
                    message=f"/readyz 503 while the broker hangs\n{worker.log()}",
                )
                to_not_ready = time.monotonic() - stopped
                # Hung past the session timeout: the group must survive a lost member.
                time.sleep(max(0.0, own.session_timeout_s + 1 - to_not_ready))
            finally:
                broker.send_signal(signal.SIGCONT)
            to_ready = worker.wait_ready()
            produce_feed(own, pages[20:])
            outputs = wait_until_done(own, pages, [worker])
            assert "reachable again after" in full_log(worker)

            broker.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            assert worker.process is not None
            code = worker.process.wait(own.broker_lost_exit_s + 15)
            to_exit = time.monotonic() - killed
        finally:
            worker.stop(signal.SIGKILL)
    assert "unreachable" in reason
    assert_nothing_missing(outputs, pages)
    assert code == EXIT_BROKER_LOST, worker.log()
    assert f"exiting: Kafka at {own.bootstrap_servers} unreachable" in full_log(worker)
    assert own.broker_lost_exit_s <= to_exit <= own.broker_lost_exit_s + 10
    print(
        f"\nbroker hung: not ready after {to_not_ready:.1f} s ({reason}); ready again "
        f"{to_ready:.1f} s after SIGCONT; broker killed: exit "
        f"{code} after {to_exit:.1f} s"
    )


def not_ready_reason(worker: WorkerProcess) -> str | None:
    try:
        status, body = worker.get("/readyz")
    except OSError:
        return None
    reason = orjson.loads(body).get("reason") if status == 503 else None
    return reason if reason and "unreachable" in reason else None


def full_log(worker: WorkerProcess) -> str:
    return worker.log_path.read_text(errors="replace")
