"""The faust application: topics, tables and thin agents over `stream.pipeline`.

`create_app(settings, bootstrap_servers=...)` builds a new App each call; nothing
is created at import time (a module-level app plus autodiscovery created apps
twice in faust's own history). Three agents, each a few lines of wiring:

- `pages`: `pages.raw` -> `articles.parsed` | `pages.dlq`, and the page's teaser
  sightings batched per partition of `teasers.sightings`;
- `sightings`: a batch + the `seen` table -> first sightings to `teasers.fresh`,
  acknowledged by the broker *before* they are recorded as seen;
- `fresh`: enrichment and near-duplicate detection over one global index (one
  partition) -> `teasers.unique`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import faust
from faust.auth import SASLCredentials, SSLCredentials
from faust.types import EventT
from faust.web import Request, Response, View
from prometheus_client import CollectorRegistry

from stream import codec, identity, pipeline
from stream._faust import transport
from stream.enrich import PeopleIndex
from stream.errors import BrokerUnreachable
from stream.intake import InputMessage
from stream.kafka import liveness
from stream.kafka.topics import ssl_context
from stream.metrics import CONTENT_TYPE, Metrics
from stream.models import FreshBatch, Sighting, TeaserBatch
from stream.settings import Settings

log = logging.getLogger(__name__)

# Keys scanned per event when sweeping expired dedup state: small enough that a
# sweep never stalls the loop (~1 ms), large enough to finish within a few minutes.
SWEEP_CHUNK = 2_000
LAG_INTERVAL_S = 5.0
# How long a worker trusts that a teaser id it sent on is still in the dedup state
# (capped by the retention, after which the owner forgets ids).
FORWARD_TTL_S = 3_600.0
# Sightings batches handled per group (one ack wait per group).
SIGHTINGS_GROUP = 500


def broker_urls(bootstrap_servers: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in bootstrap_servers.split(",") if host.strip()]


def credentials(settings: Settings) -> Any:
    context = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        password = settings.sasl_password.get_secret_value() if settings.sasl_password else None
        return SASLCredentials(
            username=settings.sasl_username,
            password=password,
            ssl_context=context,
            mechanism=settings.sasl_mechanism,
        )
    if context is not None:
        return SSLCredentials(context)
    return None


class StreamApp(transport.App):
    """faust's App with a producer whose pre-commit flush is exact (`stream.kafka.liveness`),
    on the transport adjusted for the broker (`stream._faust.transport`)."""

    delivery_guard: liveness.DeliveryGuard
    settle_timeout_s: float
    on_agent_failed: Callable[[Any, BaseException], None]

    def _new_producer(self) -> liveness.GuardedProducer:
        producer = liveness.GuardedProducer(self.transport, loop=self.loop, beacon=self.beacon)
        producer.guard = self.delivery_guard
        producer.settle_timeout_s = self.settle_timeout_s
        return producer

    async def _on_agent_error(self, agent: Any, exc: BaseException) -> None:
        # faust's own handler commits, then its supervisor restarts the agent, and the
        # failed event is acked when its stream is finalised: the next commit skips
        # it, a lost page. Every agent error ends the worker instead.
        self.on_agent_failed(agent, exc)


class Worker:
    """The App and the state its agents share (metrics, sweep cursors, readiness)."""

    def __init__(
        self,
        settings: Settings,
        *,
        bootstrap_servers: str,
        registry: CollectorRegistry | None = None,
        on_fatal: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings.for_broker()
        self.registry = registry or CollectorRegistry()
        self.metrics = Metrics(self.registry)
        self.bootstrap_servers = bootstrap_servers
        # Runs before a fatal exit: `stream run` stops the embedded broker it started.
        self.on_fatal = on_fatal
        self.broker_watch = liveness.BrokerWatch(
            address=bootstrap_servers, exit_after_s=settings.broker_lost_exit_s
        )
        self.delivery_guard = liveness.DeliveryGuard(on_failure=self._delivery_failed)
        self.app = self._build_app(bootstrap_servers)
        self._sweeps: dict[int, Iterator[str]] = {}
        self._next_sweep: dict[int, float] = {}

    def _build_app(self, bootstrap_servers: str) -> faust.App:
        s = self.settings
        app = StreamApp(
            s.app_id,
            fetch_max_wait_ms=s.fetch_max_wait_ms,
            verify_end_offsets=bool(s.verify_end_offsets),
            broker=broker_urls(bootstrap_servers),
            broker_credentials=credentials(s),
            autodiscover=False,
            store=s.store,
            datadir=s.data_dir,
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
        app.delivery_guard = self.delivery_guard
        app.settle_timeout_s = s.broker_lost_exit_s
        app.on_agent_failed = self._agent_failed
        # faust's own Prometheus sensor is left out: its `*_runtime_ms` histogram fails
        # `promtool check metrics` (unit in the name), and `stream_*` covers what it adds.
        self._wire(app)
        return app

    # -- wiring -------------------------------------------------------------------

    def _wire(self, app: faust.App) -> None:
        s = self.settings
        # Bytes in, bytes out: `stream.codec` owns the encoding, not faust.
        raw: dict[str, Any] = {
            "key_type": bytes,
            "value_type": bytes,
            "key_serializer": "raw",
            "value_serializer": "raw",
        }
        pages_topic = app.topic(s.topic_pages, **raw)
        articles_topic = app.topic(s.topic_articles, **raw)
        dlq_topic = app.topic(s.topic_dlq, **raw)
        unique_topic = app.topic(s.topic_teasers, **raw)
        sightings_topic = app.topic(s.topic_sightings, **raw)
        fresh_topic = app.topic(s.topic_fresh, partitions=1, **raw)
        seen = app.Table(
            "teasers-seen",
            default=None,
            partitions=s.partitions,
            key_type=str,
            value_type=float,
            help="teaser id -> first-seen epoch seconds (the exact dedup state)",
        )
        index = app.Table(
            "teasers-index",
            default=None,
            partitions=1,
            key_type=str,
            help="near-duplicate LSH index and known people (one global partition)",
        )
        self.seen_table = seen
        metrics = self.metrics

        @app.agent(pages_topic, name="pages")
        async def pages(stream: faust.StreamT[bytes]) -> None:
            people = PeopleIndex()  # for article entities; learns locally, not persisted
            forwarded = pipeline.RecentlyForwarded(
                s.forward_cache_teasers, ttl_s=min(FORWARD_TTL_S, s.dedup_retention_s)
            )
            # Events are acknowledged only after the group's body has run, sends
            # included, so a crash re-reads the whole group: nothing is lost.
            groups = cast(faust.Stream[bytes], stream).take_events(  # StreamT omits it
                s.page_batch_size, s.page_batch_wait_ms / 1e3
            )
            async for events in groups:
                results = []
                for event in events:
                    message = _input_message(event)
                    metrics.page_in(len(message.value or b""))
                    with metrics.observe_stage("parse"):
                        results.append(pipeline.process_page(message, s, now=_now(), people=people))
                    if (letter := results[-1].dead_letter) is not None:
                        await dlq_topic.send(key=message.key, value=codec.dumps(letter))
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
                    batches, repeats = pipeline.route_sightings(
                        results, partitions=s.partitions, forwarded=forwarded
                    )
                metrics.teaser("repeat", repeats)
                with metrics.observe_stage("publish"):
                    for partition, batch in batches.items():
                        for value in pipeline.encoded_within(batch, s.max_page_bytes):
                            await sightings_topic.send(value=value, partition=partition)
                    for result in results:
                        if (article := result.article) is not None:
                            await articles_topic.send(
                                key=article.page_id.encode(), value=codec.dumps(article)
                            )
                for result in results:
                    if result.article is not None:
                        metrics.page_parsed()
                        _observe_latency(metrics, result.timestamp)

        @app.agent(sightings_topic, name="sightings")
        async def sightings(stream: faust.StreamT[bytes]) -> None:
            # In groups: each group waits once for the broker's ack of its first
            # sightings, where one wait per batch capped the hop at ~16 batches/s
            # on a busy loop (measured: 62 ms per ack).
            groups = cast(faust.Stream[bytes], stream).take_events(  # StreamT omits it
                SIGHTINGS_GROUP, s.page_batch_wait_ms / 1e3
            )
            async for events in groups:
                by_partition: dict[int, list[EventT[bytes]]] = {}
                for event in events:
                    by_partition.setdefault(event.message.partition, []).append(event)
                fresh: dict[int, list[Sighting]] = {}
                received: list[TeaserBatch] = []
                for partition, partition_events in by_partition.items():
                    batches = [codec.loads_model(TeaserBatch, e.value) for e in partition_events]
                    received.extend(batches)
                    # Dedup state is per partition: read and written as its last event.
                    with transport.in_event(partition_events[-1]), metrics.observe_stage("dedup"):
                        fresh[partition] = pipeline.first_sightings(batches, seen)
                    sighted = sum(len(b.sightings) for b in batches)
                    metrics.teaser("repeat", sighted - len(fresh[partition]))
                first = [sighting for found in fresh.values() for sighting in found]
                if first:
                    outgoing = FreshBatch(
                        teasers=[pipeline.teaser_of(f) for f in first],
                        page_timestamp=pipeline.oldest_timestamp(received),
                    )
                    with metrics.observe_stage("publish"):
                        acks = [
                            await fresh_topic.send(value=value, partition=0)
                            for value in pipeline.encoded_within(outgoing, s.max_page_bytes)
                        ]
                        # Recorded as seen only once the broker holds them: a crash in
                        # between repeats a teaser (same id) but never loses one.
                        await asyncio.gather(*acks)
                now = time.time()
                for partition, partition_events in by_partition.items():
                    with transport.in_event(partition_events[-1]):
                        pipeline.record_seen(seen, fresh[partition], now)
                        self._sweep(partition)

        @app.agent(fresh_topic, name="fresh")
        async def fresh(stream: faust.StreamT[bytes]) -> None:
            # Built on the first event: the table is only readable once recovered.
            enricher: pipeline.TeaserEnricher | None = None
            async for event in stream.events():
                if enricher is None:
                    enricher = pipeline.TeaserEnricher(index, threshold=s.near_duplicate_threshold)
                item = codec.loads_model(FreshBatch, event.value)
                for first in item.teasers:
                    with metrics.observe_stage("enrich"):
                        teaser = enricher.enrich(first)
                    result = "near_duplicate" if teaser.enrichment.near_duplicate_of else "unique"
                    with metrics.observe_stage("publish"):
                        await unique_topic.send(
                            key=teaser.teaser_id.encode(), value=codec.dumps(teaser)
                        )
                    metrics.teaser(result)
                _observe_latency(metrics, item.page_timestamp)

        @app.timer(LAG_INTERVAL_S)  # type: ignore[untyped-decorator]  # faust is untyped
        async def report_lag() -> None:
            self._report_lag()

        @app.task  # type: ignore[untyped-decorator]  # faust is untyped
        async def watch_broker() -> None:
            # A loop, not a timer: a probe of a hung broker outlasts the interval, and
            # faust's timers would log every late wake-up while the broker is away.
            while not app.should_stop:
                await self.watch_broker_once()
                await app.sleep(liveness.PROBE_INTERVAL_S)

        @app.page("/metrics")
        async def metrics_page(view: View, request: Request) -> Response:
            self.metrics.set_dedup_state_keys(len(seen))
            self.metrics.set_ready(bool(self.readiness()["ready"]))
            # aiohttp refuses a charset in `content_type=`; the header carries it whole.
            return view.bytes(self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

        @app.page("/healthz")
        async def healthz(view: View, request: Request) -> Response:
            return view.json({"status": "alive"})

        @app.page("/readyz")
        async def readyz(view: View, request: Request) -> Response:
            status = self.readiness()
            return view.json(status, status=200 if status["ready"] else 503)

    # -- state upkeep ---------------------------------------------------------------

    def _sweep(self, partition: int) -> None:
        """Expire dedup keys of `partition` older than the retention, a chunk per event.

        Runs inside the agent so that each delete goes to the changelog partition of
        the current event, which is the partition that owns those keys.
        """
        now = time.time()
        cursor = self._sweeps.get(partition)
        if cursor is None:
            if now < self._next_sweep.get(partition, 0.0):
                return
            # A plain copy of the keys (fast, C level); ownership is checked chunk by
            # chunk below, so no event pays for a pass over the whole table.
            cursor = self._sweeps[partition] = iter(list(self.seen_table.keys()))
            self._next_sweep[partition] = now + self.settings.dedup_sweep_interval_s
        chunk = [key for _, key in zip(range(SWEEP_CHUNK), cursor, strict=False)]
        if len(chunk) < SWEEP_CHUNK:
            del self._sweeps[partition]
        owned = (key for key in chunk if self._owns(key, partition))
        for key in pipeline.expired_keys(
            self.seen_table, owned, now=now, retention_s=self.settings.dedup_retention_s
        ):
            del self.seen_table[key]

    def _owns(self, key: str, partition: int) -> bool:
        return identity.partition_for(key, self.settings.partitions) == partition

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
            # faust keeps no public getter for the last committed offset.
            committed = consumer._committed_offset.get(tp)  # type: ignore[attr-defined]
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            lag = max(0, highwater - (committed or 0))
            self.metrics.set_lag(tp.topic, tp.partition, lag)

    # -- liveness -------------------------------------------------------------------

    async def watch_broker_once(self) -> None:
        """Probe the cluster once: readiness follows; a long loss ends the worker."""
        watch = self.broker_watch
        # A hung broker is noticed only when the probe times out: it was lost at the start.
        started = time.monotonic()
        try:
            await liveness.probe(self.settings, self.bootstrap_servers)
        except BrokerUnreachable as unreachable:
            now = time.monotonic()
            first = watch.reachable
            watch.failed(started, unreachable.detail)
            if first or watch.failed_probes % 10 == 0:
                log.error("not ready: %s", watch.reason(now))
            if watch.expired(now):
                liveness.fatal_exit(
                    liveness.EXIT_BROKER_LOST,
                    f"exiting: {watch.reason(now)}. Nothing is lost: pages after the last "
                    "committed offset are processed again when a worker restarts.",
                    self.on_fatal,
                )
            return
        lost_for = watch.succeeded(time.monotonic())
        if lost_for is not None:
            log.warning("Kafka at %s reachable again after %.1f s", watch.address, lost_for)

    def _delivery_failed(self, error: BaseException) -> None:
        if self.app.should_stop:
            # Stopping: the final commit has run; the guard still refuses any other.
            log.error("an output was not delivered while stopping: %r", error)
            return
        liveness.fatal_exit(
            liveness.EXIT_DELIVERY_FAILED,
            f"exiting: Kafka did not accept an output ({error!r}); the pages behind it are "
            "not committed and are processed again when a worker restarts.",
            self.on_fatal,
        )

    def _agent_failed(self, agent: Any, error: BaseException) -> None:
        log.error("agent %s failed", agent.name, exc_info=error)
        liveness.fatal_exit(
            liveness.EXIT_DELIVERY_FAILED,
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
        recovered = app.tables.recovery.completed.is_set()  # type: ignore[attr-defined]
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
