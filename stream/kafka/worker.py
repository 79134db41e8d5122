"""The faust worker: topics, tables and thin agents over `stream.pipeline` and `stream.dedup`.

`create_app(settings, bootstrap_servers=...)` builds a new App each call; nothing
is created at import time (a module-level app plus autodiscovery created apps
twice in faust's own history). `Worker` is the composition: it builds the
delivery guard, the broker watch, the App, its topics and tables, and hands them
to `Agents`, whose three methods are the agents, each a few lines of wiring:

- `pages`: `pages.raw` -> `articles.parsed` | `pages.dlq`, and the page's teaser
  sightings batched per partition of `teasers.sightings`;
- `sightings`: a batch + the `seen` table -> first sightings to `teasers.fresh`,
  acknowledged by the broker *before* they are recorded as seen;
- `fresh`: enrichment and near-duplicate detection over one global index (one
  partition) -> `teasers.unique`.

The web endpoints are in `stream.kafka.web`; faust's internals are reached only
through `stream._faust`.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import AsyncIterable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import faust
from faust.types import TP, EventT
from prometheus_client import CollectorRegistry

from stream import codec, dedup, intake, pipeline, poison
from stream._faust import events, state
from stream._faust.app import GuardedApp
from stream.enrich import PeopleIndex
from stream.errors import BrokerRefused, BrokerUnreachable
from stream.intake import InputMessage
from stream.kafka import connection, exits, watch
from stream.kafka.attempts import AttemptStore, KafkaAttempts, MemoryAttempts
from stream.kafka.delivery import DeliveryGuard
from stream.kafka.topics import (
    INDEX_TABLE,
    SEEN_TABLE,
    attempts_topic,
    changelog_topic,
    workers_spec,
)
from stream.kafka.web import Endpoints
from stream.metrics import Metrics
from stream.models import FreshBatch, Sighting, TeaserBatch
from stream.settings import Settings
from stream.testing import faults

log = logging.getLogger(__name__)

LAG_INTERVAL_S = 5.0
# How long a worker trusts that a teaser id it sent on is still in the dedup state
# (capped by the retention, after which the owner forgets ids).
FORWARD_TTL_S = 3_600.0
# Sightings batches handled per group (one ack wait per group).
SIGHTINGS_GROUP = 500
# Memory of each table's RocksDB databases (`STREAM_STORE=rocksdb://`; the memory
# store ignores them). faust's defaults allow 3 memtables of 64 MB and a 2 GB block
# cache per partition database: state on disk, yet a month of it could sit in RAM.
# Flushed at 8 MB, a memtable holds ~16,000 near-duplicate records (~0.5 kB each);
# the index reads a record only for a close candidate or a replay, mostly recent.
# The database's name in the URL: faust reads a bare "rocksdb://" as no store at
# all (the URL is falsy) and gives the table the app's.
INDEX_STORE = f"rocksdb:{INDEX_TABLE}"
# Bloom filter bits per key: faust's 3 let ~1 lookup in 4 of a missing key read a
# block of each file on disk, so a miss cost more the more state a worker held (every
# new teaser asks the index whether it is a replay: a miss); 10 bits let ~1 in 100.
BLOOM_BITS_PER_KEY = 10
ROCKSDB_INDEX: dict[str, Any] = {
    "write_buffer_size": 8 << 20,
    "max_write_buffer_number": 2,
    "block_cache_size": 16 << 20,
    "bloom_filter_size": BLOOM_BITS_PER_KEY,
}
# One database per partition (8): dedup reads miss mostly (bloom filters), so a small
# cache does.
ROCKSDB_SEEN: dict[str, Any] = {
    "write_buffer_size": 4 << 20,
    "max_write_buffer_number": 2,
    "block_cache_size": 4 << 20,
    "bloom_filter_size": BLOOM_BITS_PER_KEY,
}


class Sink(Protocol):
    """Where an agent sends records: a faust topic, or a fake in tests."""

    async def send(
        self, *, key: bytes | None = None, value: bytes, partition: int | None = None
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class Outputs:
    """The topics the agents send to."""

    articles: Sink
    dead_letters: Sink
    sightings: Sink
    fresh: Sink
    unique: Sink


class Agents:
    """The three agents as methods, over collaborators given to `__init__`.

    `seen` is the exact dedup state (the `teasers-seen` table), `index` the store
    of near-duplicate detection and known people (`teasers-index`); any mutable
    mapping does in tests. `attempts` counts the failed attempts of poison pages
    (`stream.kafka.attempts`; in memory when not given).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        metrics: Metrics,
        outputs: Outputs,
        seen: MutableMapping[str, Any],
        index: MutableMapping[str, Any],
        attempts: AttemptStore | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.outputs = outputs
        self.seen = seen
        self.index = index
        self.attempts = MemoryAttempts() if attempts is None else attempts
        # A pass reads every key (6 s of CPU for a million, measured): not while a
        # worker that just started catches up, but one interval later.
        self.sweeps = dedup.Sweeps(
            settings.dedup_sweep_interval_s, first_after_s=settings.dedup_sweep_interval_s
        )
        # Opened from the index table when this worker takes its partition, before it
        # reports ready (`index_recovered`); None while another worker holds it.
        self.enricher: pipeline.TeaserEnricher | None = None
        self._enricher_generation: int | None = None
        # The test hook is chosen here, once: unset (production), pages go straight
        # to the pipeline and nothing is checked per page.
        marker = settings.test_fault_marker
        self.process_page = (
            pipeline.process_page
            if marker is None
            else faults.failing_on(marker, pipeline.process_page)
        )

    async def pages(self, stream: faust.StreamT[bytes]) -> None:
        s, metrics, out = self.settings, self.metrics, self.outputs
        people = PeopleIndex()  # for article entities; learns locally, not persisted
        forwarded = dedup.RecentlyForwarded(
            s.forward_cache_teasers, ttl_s=min(FORWARD_TTL_S, s.dedup_retention_s)
        )
        # Events are acknowledged only after the group's body has run, sends
        # included, so a crash re-reads the whole group: nothing is lost.
        groups = cast(faust.Stream[bytes], stream).take_events(  # StreamT omits it
            s.page_batch_size, s.page_batch_wait_ms / 1e3
        )
        async for group in groups:
            results = []
            for event in group:
                message = _input_message(event)
                metrics.page_in(len(message.value or b""))
                with metrics.observe_stage("parse"):
                    try:
                        result = self.process_page(message, s, now=_now(), people=people)
                    except Exception as error:  # a bug, not bad input (that is a dead letter)
                        result = await self.poisoned(message, "parse", error)
                results.append(result)
                if (letter := results[-1].dead_letter) is not None:
                    await out.dead_letters.send(key=message.key, value=codec.dumps(letter))
                    metrics.dead_letter(letter.reason)
                    log.warning(
                        "dead letter %s at %s[%d]@%d: %s",
                        letter.reason,
                        message.topic,
                        message.partition,
                        message.offset,
                        letter.detail,
                    )
            with metrics.observe_stage("dedup"):
                batches, repeats = dedup.route_sightings(
                    results, partitions=s.partitions, forwarded=forwarded
                )
            metrics.teaser("repeat", repeats)
            with metrics.observe_stage("publish"):
                for partition, batch in batches.items():
                    for value in pipeline.encoded_within(batch, s.max_page_bytes):
                        await out.sightings.send(value=value, partition=partition)
                for result in results:
                    if (article := result.article) is not None:
                        await out.articles.send(
                            key=article.page_id.encode(), value=codec.dumps(article)
                        )
            for result in results:
                if result.article is not None:
                    metrics.page_parsed()
                    _observe_latency(metrics, result.timestamp)

    async def poisoned(
        self, message: InputMessage, stage: str, error: Exception
    ) -> pipeline.PageResult:
        """A page `stage` raised on: count the attempt and fail again (the worker exits,
        the page is read again), or, at `STREAM_POISON_ATTEMPTS`, its dead letter."""
        limit = self.settings.poison_attempts
        where = f"{message.topic}[{message.partition}]@{message.offset}"
        log.error("stage %s raised on %s: %r; counting its attempts", stage, where, error)
        failed = 1 + (await self.attempts.failures(message) if limit > 1 else 0)
        if poison.decide(failed, limit) is poison.Verdict.RETRY:
            await self.attempts.record(message, failed)
            log.error(
                "%s: attempt %d of %d (STREAM_POISON_ATTEMPTS) failed; after %d it becomes an "
                "internal_error dead letter",
                where,
                failed,
                limit,
                limit,
            )
            raise error
        log.error(
            "stage %s raised on %s %d time(s): sent to the dead-letter topic as internal_error",
            stage,
            where,
            failed,
            exc_info=error,
        )
        self.metrics.poison_page(stage)
        letter = intake.dead_letter(
            message,
            poison.internal_error(stage, error, attempts=failed),
            now=_now(),
            max_value_bytes=self.settings.max_dead_letter_value_bytes,
        )
        return pipeline.PageResult(dead_letter=letter)

    async def sightings(self, stream: faust.StreamT[bytes]) -> None:
        s, metrics, seen = self.settings, self.metrics, self.seen
        # In groups: each group waits once for the broker's ack of its first
        # sightings, where one wait per batch capped the hop at ~16 batches/s
        # on a busy loop (measured: 62 ms per ack).
        groups = cast(faust.Stream[bytes], stream).take_events(  # StreamT omits it
            SIGHTINGS_GROUP, s.page_batch_wait_ms / 1e3
        )
        async for group in groups:
            by_partition: dict[int, list[EventT[bytes]]] = {}
            for event in group:
                by_partition.setdefault(event.message.partition, []).append(event)
            fresh: dict[int, list[Sighting]] = {}
            received: list[TeaserBatch] = []
            for partition, partition_events in by_partition.items():
                batches = [codec.loads_model(TeaserBatch, e.value) for e in partition_events]
                received.extend(batches)
                # Dedup state is per partition: read and written as its last event.
                with events.in_event(partition_events[-1]), metrics.observe_stage("dedup"):
                    fresh[partition] = dedup.first_sightings(batches, seen)
                sighted = sum(len(b.sightings) for b in batches)
                metrics.teaser("repeat", sighted - len(fresh[partition]))
            first = [sighting for found in fresh.values() for sighting in found]
            if first:
                outgoing = FreshBatch(
                    teasers=[pipeline.teaser_of(f) for f in first],
                    page_timestamp=dedup.oldest_timestamp(received),
                )
                with metrics.observe_stage("publish"):
                    acks = [
                        await self.outputs.fresh.send(value=value, partition=0)
                        for value in pipeline.encoded_within(outgoing, s.max_page_bytes)
                    ]
                    # Recorded as seen only once the broker holds them: a crash in
                    # between repeats a teaser (same id) but never loses one.
                    await asyncio.gather(*acks)
            now = time.time()
            for partition, partition_events in by_partition.items():
                with events.in_event(partition_events[-1]):
                    dedup.record_seen(seen, fresh[partition], now)
                    self.sweep(partition, now)

    def sweep(self, partition: int, now: float) -> None:
        """Expire dedup keys of `partition` older than the retention, a chunk per event.

        Runs inside the agent so that each delete goes to the changelog partition of
        the current event, which is the partition that owns those keys.
        """
        dedup.sweep(
            self.seen,
            self.sweeps,
            partition,
            now=now,
            partitions=self.settings.partitions,
            retention_s=self.settings.dedup_retention_s,
        )

    def new_enricher(self, *, load: bool = True) -> pipeline.TeaserEnricher:
        return pipeline.TeaserEnricher(
            self.index,
            threshold=self.settings.near_duplicate_threshold,
            # The near-duplicate index forgets a teaser when dedup does.
            retention_s=self.settings.dedup_retention_s,
            sweep_interval_s=self.settings.dedup_sweep_interval_s,
            load=load,
            read=state.table_reader(self.index),
        )

    async def index_recovered(self, *, held: bool, generation: int) -> None:
        """After each recovery: open the enricher from the index table if this worker
        holds its partition, before the worker reports ready and takes its first
        teaser (a month of teasers is ~15 s of reading, in steps that let the loop
        run). Kept as it is only from one generation to the next: a generation
        missed may have let another worker add teasers."""
        if not held:
            self.enricher = self._enricher_generation = None
            return
        if self.enricher is not None and self._enricher_generation == generation - 1:
            self._enricher_generation = generation
            return
        started = time.perf_counter()
        enricher = self.new_enricher(load=False)
        for _ in enricher.opening():
            await asyncio.sleep(0)
        self.enricher, self._enricher_generation = enricher, generation
        log.info(
            "near-duplicate index opened: %d teasers, %d words, %d people in %.1f s",
            len(enricher.near_duplicates),
            enricher.near_duplicates.words,
            len(enricher.people.to_dict()),
            time.perf_counter() - started,
        )

    async def fresh(self, stream: faust.StreamT[bytes]) -> None:
        metrics = self.metrics
        async for event in cast(AsyncIterable[EventT[bytes]], stream.events()):
            if self.enricher is None:  # no recovery ran (an Agents built in a test)
                self.enricher = self.new_enricher()
            enricher = self.enricher
            item = codec.loads_model(FreshBatch, event.value)
            for first in item.teasers:
                with metrics.observe_stage("enrich"):
                    teaser = enricher.enrich(first)
                result = "near_duplicate" if teaser.enrichment.near_duplicate_of else "unique"
                with metrics.observe_stage("publish"):
                    await self.outputs.unique.send(
                        key=teaser.teaser_id.encode(), value=codec.dumps(teaser)
                    )
                metrics.teaser(result)
            _observe_latency(metrics, item.page_timestamp)


class Worker:
    """The App, built with its collaborators, and the agents, timer, task and pages on it."""

    def __init__(
        self,
        settings: Settings,
        *,
        bootstrap_servers: str,
        registry: CollectorRegistry | None = None,
        on_fatal: Callable[[], None] | None = None,
    ) -> None:
        # `stream run` has chosen by asking the broker (stream.kafka.flavour); what is
        # left unset here (a Worker built in-process) follows the local broker, Tansu.
        self.settings = settings.for_broker(tansu=settings.uses_embedded_broker)
        self.registry = registry or CollectorRegistry()
        self.metrics = Metrics(self.registry)
        self.bootstrap_servers = bootstrap_servers
        # Runs before a fatal exit: `stream run` stops the embedded broker it started.
        self.on_fatal = on_fatal
        self.broker_watch = watch.BrokerWatch(
            address=bootstrap_servers, exit_after_s=settings.broker_lost_exit_s
        )
        self.delivery_guard = DeliveryGuard(on_failure=self._delivery_failed)
        self._table_dir: str | None = None
        self.app = self._build_app(bootstrap_servers)
        self.seen_table, self.index_table = self._declare_tables(self.app)
        self.index_table.on_recover(self._index_recovered)
        topics = self._declare_topics(self.app)
        self.agents = Agents(
            self.settings,
            metrics=self.metrics,
            outputs=Outputs(**{role: topics[role] for role in Outputs.__dataclass_fields__}),
            seen=self.seen_table,
            index=self.index_table,
            attempts=KafkaAttempts(self.settings, bootstrap_servers, topics["attempts"]),
        )
        self._wire(self.app, topics)
        Endpoints(
            self.metrics, readiness=self.readiness, dedup_state_keys=self._dedup_state_keys
        ).register(self.app)

    def _build_app(self, bootstrap_servers: str) -> faust.App:
        s = self.settings
        # faust's own Prometheus sensor is left out: its `*_runtime_ms` histogram fails
        # `promtool check metrics` (unit in the name), and `stream_*` covers what it adds.
        return GuardedApp(
            s.app_id,
            # faust reads its own variables (PROCESSING_GUARANTEE, BROKER_URL, ...) from
            # the environment over these arguments; only STREAM_* configure a worker.
            env={},
            delivery_guard=self.delivery_guard,
            settle_timeout_s=s.broker_lost_exit_s,
            on_agent_failed=self._agent_failed,
            fetch_max_wait_ms=s.fetch_max_wait_ms,
            verify_end_offsets=bool(s.verify_end_offsets),
            connection=connection.client_kwargs(s, bootstrap_servers),
            broker=connection.broker_urls(bootstrap_servers),
            broker_credentials=connection.faust_credentials(s),
            autodiscover=False,
            store=s.store,
            datadir=s.data_dir,
            tabledir=self.table_dir,
            topic_partitions=s.partitions,
            topic_replication_factor=s.replication_factor,
            # A new group must read the pages crawlers sent before it started.
            consumer_auto_offset_reset="earliest",
            broker_session_timeout=s.session_timeout_s,
            broker_heartbeat_interval=s.heartbeat_interval_s,
            broker_rebalance_timeout=s.rebalance_timeout_s,
            broker_commit_interval=s.commit_interval_s,
            processing_guarantee=s.processing_guarantee,
            # Batching pays: measured ~2x throughput over faust's client defaults.
            producer_linger=s.producer_linger_ms / 1e3,
            producer_max_batch_size=1_048_576,
            # Every record is at most about a page (articles and batches are checked
            # against STREAM_MAX_PAGE_BYTES); a client limit below that would make
            # one big page a send error, and the worker would exit on it each restart.
            producer_max_request_size=max(4_194_304, s.max_page_bytes + 65_536),
            consumer_max_fetch_size=max(4_194_304, s.max_page_bytes + 65_536),
            web_enabled=True,
            web_host=s.web_host,
            web_bind=s.web_host,
            web_port=s.web_port,
            web_in_thread=False,
        )

    @property
    def table_dir(self) -> str:
        """Where this worker's RocksDB databases live.

        On a cluster, under `STREAM_DATA_DIR`, one directory per web port: workers
        on one host (each has its own port) never contend for one database's lock,
        and a worker restarted on its port finds its own again and restores only
        the changelog written since. With the embedded broker, whose topics live in
        memory and end with it, in a directory of this process, removed at exit: a
        database kept across brokers would hold teasers and changelog offsets of
        topics that no longer exist (faust refuses to start when its offset is past
        the end of the changelog)."""
        if self._table_dir is None:
            s = self.settings
            if s.uses_embedded_broker:
                self._table_dir = tempfile.mkdtemp(prefix=f"stream-tables-{s.app_id}-")
                atexit.register(shutil.rmtree, self._table_dir, ignore_errors=True)
            else:
                self._table_dir = f"tables-{s.app_id}-{s.web_port}"
        return self._table_dir

    # -- wiring -------------------------------------------------------------------

    def _topic(self, app: faust.App, name: str, **options: Any) -> Any:
        # Bytes in, bytes out: `stream.codec` owns the encoding, not faust.
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            **options,
        )

    def _declare_tables(self, app: faust.App) -> tuple[Any, Any]:
        seen = app.Table(
            SEEN_TABLE,
            default=None,
            partitions=self.settings.partitions,
            key_type=str,
            value_type=float,
            help="teaser id -> first-seen epoch seconds (the exact dedup state)",
            options=ROCKSDB_SEEN,
        )
        index = app.Table(
            INDEX_TABLE,
            default=None,
            partitions=1,
            key_type=str,
            help="near-duplicate index and known people (one global partition)",
            # On disk whatever STREAM_STORE says: a record per teaser of the month (its
            # words and facts, ~0.5 kB) held as Python objects cost ~2.5 kB of RAM
            # each in the memory store (issue 14: at most 500 B per teaser in all).
            store=INDEX_STORE,
            options=ROCKSDB_INDEX,
        )
        return seen, index

    def _declare_topics(self, app: faust.App) -> dict[str, Any]:
        s = self.settings
        return {
            "pages": self._topic(app, s.topic_pages),
            "articles": self._topic(app, s.topic_articles),
            "dead_letters": self._topic(app, s.topic_dlq),
            "sightings": self._topic(app, s.topic_sightings),
            "fresh": self._topic(app, s.topic_fresh, partitions=1),
            "unique": self._topic(app, s.topic_teasers),
            "attempts": self._topic(app, attempts_topic(s)),
            "workers": self._topic(app, workers_spec(s).name, partitions=1),
        }

    def _wire(self, app: faust.App, topics: dict[str, Any]) -> None:
        agents = self.agents
        app.agent(topics["pages"], name="pages")(agents.pages)
        app.agent(topics["sightings"], name="sightings")(agents.sightings)
        app.agent(topics["fresh"], name="fresh")(agents.fresh)
        app.timer(LAG_INTERVAL_S)(self.report_lag)
        app.task(self.watch_broker)
        workers = topics["workers"]

        async def announce() -> None:
            await self.announce(workers)

        app.task(announce)

    # -- state upkeep ---------------------------------------------------------------

    async def _index_recovered(self) -> None:
        index = TP(changelog_topic(self.settings, INDEX_TABLE), 0)
        await self.agents.index_recovered(
            held=index in self.app.assignor.assigned_actives(),
            generation=self.app.consumer_generation_id,
        )

    def _dedup_state_keys(self) -> int:
        return len(self.seen_table)

    async def report_lag(self) -> None:
        self._report_lag()

    def _report_lag(self) -> None:
        consumer = self.app.consumer
        s = self.settings
        # Only the topics the agents consume: changelogs are read during recovery and
        # never committed, so "lag" there would be the whole changelog, growing with
        # every new teaser, and would page operators for nothing.
        sources = {s.topic_pages, s.topic_sightings, s.topic_fresh}
        assignment = [tp for tp in consumer.assignment() if tp.topic in sources]
        self.metrics.set_assignment([(tp.topic, tp.partition) for tp in assignment])
        for tp in assignment:
            committed = state.committed_offset(consumer, tp)
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            lag = max(0, highwater - (committed or 0))
            self.metrics.set_lag(tp.topic, tp.partition, lag)

    # -- announcement -------------------------------------------------------------

    @property
    def web_url(self) -> str:
        """Where this worker's endpoints are reached: on a wildcard address, by host name."""
        s = self.settings
        host = socket.gethostname() if s.web_host in ("", "0.0.0.0", "::") else s.web_host
        return f"http://{host}:{s.web_port}"

    async def announce(self, workers: Sink) -> None:
        """Say where this worker's /readyz is, once at start, for `stream status`."""
        record = {
            "url": self.web_url,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": _now().isoformat(),
        }
        try:
            ack = await workers.send(key=self.web_url.encode(), value=codec.dumps_obj(record))
            await ack
        except Exception as error:  # status is a convenience: never a reason to stop
            log.warning("could not announce this worker for stream status: %r", error)

    # -- liveness -------------------------------------------------------------------

    async def watch_broker(self) -> None:
        # A loop, not a timer: a probe of a hung broker outlasts the interval, and
        # faust's timers would log every late wake-up while the broker is away.
        while not self.app.should_stop:
            await self.watch_broker_once()
            await self.app.sleep(watch.PROBE_INTERVAL_S)

    async def watch_broker_once(self) -> None:
        """Probe the cluster once: readiness follows; a long loss ends the worker."""
        broker = self.broker_watch
        # A hung broker is noticed only when the probe times out: it was lost at the start.
        started = time.monotonic()
        try:
            await watch.probe(self.settings, self.bootstrap_servers)
        except BrokerRefused as refused:
            # Credentials revoked or a certificate changed under a running worker: its
            # open connections may still work, but no new one will, restarted or not.
            exits.fatal_exit(refused.exit_code, f"exiting: {refused.detail}", self.on_fatal)
            return
        except BrokerUnreachable as unreachable:
            now = time.monotonic()
            first = broker.reachable
            broker.failed(started, unreachable.detail)
            if first or broker.failed_probes % 10 == 0:
                log.error("not ready: %s", broker.reason(now))
            if broker.expired(now):
                exits.fatal_exit(
                    exits.EXIT_BROKER_LOST,
                    f"exiting: {broker.reason(now)}. Nothing is lost: pages after the last "
                    "committed offset are processed again when a worker restarts.",
                    self.on_fatal,
                )
            return
        lost_for = broker.succeeded(time.monotonic())
        if lost_for is not None:
            log.warning("Kafka at %s reachable again after %.1f s", broker.address, lost_for)

    def _delivery_failed(self, error: BaseException) -> None:
        if self.app.should_stop:
            # Stopping: the final commit has run; the guard still refuses any other.
            log.error("an output was not delivered while stopping: %r", error)
            return
        exits.fatal_exit(
            exits.EXIT_DELIVERY_FAILED,
            f"exiting: Kafka did not accept an output ({error!r}); the pages behind it are "
            "not committed and are processed again when a worker restarts.",
            self.on_fatal,
        )

    def _agent_failed(self, agent: Any, error: BaseException) -> None:
        log.error("agent %s failed", agent.name, exc_info=error)
        exits.fatal_exit(
            exits.EXIT_DELIVERY_FAILED,
            f"exiting: agent {agent.name} raised {error!r}; the event is not committed and "
            "is processed again when a worker restarts. Report the log above as a bug.",
            self.on_fatal,
        )

    def readiness(self) -> dict[str, Any]:
        app = self.app
        try:
            assigned = sorted(
                f"{tp.topic}[{tp.partition}]" for tp in app.assignor.assigned_actives()
            )
        except Exception:  # the assignor does not exist before the first rebalance
            assigned = []
        recovered = state.tables_recovered(app)
        broker = self.broker_watch.reason(time.monotonic())
        reason = (
            broker
            or ("rebalancing" if app.rebalancing else None)
            or (None if assigned else "no partitions assigned yet")
            or (None if recovered else "restoring tables from their changelogs")
        )
        return {
            "ready": reason is None,
            "reason": reason,
            "assigned": assigned,
            "recovered": recovered,
            "rebalancing": bool(app.rebalancing),
            "broker_reachable": self.broker_watch.reachable,
            # How `stream status` matches this worker to a member of the group.
            "member_id": state.member_id(app),
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _input_message(event: Any) -> InputMessage:
    message = event.message
    headers = message.headers or ()
    pairs = tuple(
        (k if isinstance(k, str) else k.decode("utf-8", "replace"), v or b"")
        for k, v in (headers.items() if isinstance(headers, dict) else headers)
    )
    return InputMessage(
        value=message.value,
        key=message.key,
        headers=pairs,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        timestamp=dt.datetime.fromtimestamp(message.timestamp, dt.UTC)
        if message.timestamp
        else None,
    )


def _observe_latency(metrics: Metrics, page_timestamp: dt.datetime | None) -> None:
    if page_timestamp is not None:
        metrics.observe_end_to_end((_now() - page_timestamp).total_seconds())


def create_app(
    settings: Settings,
    *,
    bootstrap_servers: str,
    registry: CollectorRegistry | None = None,
    on_fatal: Callable[[], None] | None = None,
) -> faust.App:
    """A new faust App for these settings, with its agents, tables and web pages."""
    return Worker(
        settings, bootstrap_servers=bootstrap_servers, registry=registry, on_fatal=on_fatal
    ).app
