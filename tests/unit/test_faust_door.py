"""Guards for stream._faust: each fails loudly if a faust or aiokafka upgrade changes
what a patch relies on (the model is the end-offset guard in tests/test_transport.py).

No broker: apps are built, never started.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiokafka
import faust
import pytest
from aiokafka.conn import create_conn
from aiokafka.protocol.metadata import MetadataRequest
from faust import streams
from faust.agents.agent import Agent
from faust.tables.recovery import Recovery
from faust.transport import consumer as faust_consumer
from faust.transport import producer as faust_producer
from faust.transport.conductor import ConductorCompiler
from faust.transport.drivers import aiokafka as driver
from faust.types import TP

from stream._faust import events, state, transport
from stream._faust.app import PromptTableManager
from stream._faust.producer import GuardedProducer
from stream.kafka.worker import Worker
from stream.settings import Settings


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    settings = Settings(bootstrap_servers="127.0.0.1:1", partitions=2, data_dir=str(tmp_path))
    built = Worker(settings, bootstrap_servers="127.0.0.1:1")
    yield built
    app: Any = built.app
    if app._consumer is not None:
        app.consumer._thread.thread_loop.close()  # made with the consumer, never run


def _in_order(source: str, *fragments: str) -> list[int]:
    at = [source.find(fragment) for fragment in fragments]
    assert -1 not in at, dict(zip(fragments, at, strict=True))
    return at


# -- events.in_event ---------------------------------------------------------------------


def test_in_event_sets_the_event_faust_tables_read_their_partition_from() -> None:
    class Message:
        partition = 3

    class Event:
        message = Message()

    event = Event()
    assert isinstance(streams._current_event, type(streams._current_event))
    with events.in_event(event):
        assert streams.current_event() is event
    assert streams.current_event() is not event
    # faust's tables take the changelog partition from exactly this function.
    from faust.tables import base

    assert "current_event()" in inspect.getsource(base)


# -- transport: fetch wait, end offsets, held stream partitions --------------------------


async def test_aiokafka_reads_fetch_max_wait_ms_from_the_attribute_when_it_starts() -> None:
    consumer = aiokafka.AIOKafkaConsumer(fetch_max_wait_ms=123)
    try:
        assert consumer._fetch_max_wait_ms == 123
    finally:
        await consumer.stop()
    assert "fetch_max_wait_ms=self._fetch_max_wait_ms" in inspect.getsource(
        aiokafka.AIOKafkaConsumer.start
    )
    parameters = list(
        inspect.signature(driver.AIOKafkaConsumerThread._create_worker_consumer).parameters
    )
    assert parameters[:2] == ["self", "transport"]


def test_faust_reads_end_offsets_through_highwaters() -> None:
    highwaters = driver.AIOKafkaConsumerThread._highwaters
    assert inspect.iscoroutinefunction(highwaters)
    assert list(inspect.signature(highwaters).parameters) == ["self", "partitions"]
    assert inspect.iscoroutinefunction(driver.AIOKafkaConsumerThread.on_thread_stop)


def test_the_patched_consumer_and_its_thread_are_the_ones_faust_builds(worker: Worker) -> None:
    app: Any = worker.app
    assert isinstance(app.transport, transport._Transport)
    assert isinstance(app.consumer, transport._Consumer)
    assert isinstance(app.consumer._thread, transport._ConsumerThread)


def test_consumer_members_the_hold_relies_on_exist(worker: Worker) -> None:
    consumer: Any = worker.app.consumer
    assert isinstance(consumer._paused_partitions, set)
    for name in ("_is_changelog_tp", "_get_active_partitions", "_set_active_tps"):
        assert callable(getattr(consumer, name)), name
    base = faust_consumer.Consumer
    for name in ("resume_partitions", "pause_partitions"):
        assert list(inspect.signature(getattr(base, name)).parameters) == ["self", "tps"]
    assert list(inspect.signature(base.resume_flow).parameters) == ["self"]
    assert inspect.iscoroutinefunction(base.on_partitions_assigned)


def test_faust_fetches_with_its_live_active_set_which_aiokafka_reads_empty_as_all() -> None:
    """What `_ConsumerThread._fetch_records` guards against: faust passes the set it
    keeps mutating (not a copy) to the consumer thread's fetch, and aiokafka's fetcher
    returns every partition's records when that set is empty."""
    waiting = inspect.getsource(faust_consumer.Consumer._wait_next_records)
    _in_order(
        waiting,
        "active_partitions = self._get_active_partitions()",
        "active_partitions=active_partitions",
    )
    assert "self._active_partitions" in inspect.getsource(
        faust_consumer.Consumer._get_active_partitions
    )
    fetch = inspect.getsource(driver.AIOKafkaConsumerThread._fetch_records)
    _in_order(fetch, "fetcher.fetched_records(", "active_partitions,")
    fetched = inspect.getsource(aiokafka.consumer.fetcher.Fetcher.fetched_records)
    assert "if partitions and tp not in partitions:" in fetched
    assert list(inspect.signature(driver.AIOKafkaConsumerThread._fetch_records).parameters) == [
        "self",
        "consumer",
        "active_partitions",
        "timeout",
        "max_records",
    ]


def test_a_fetch_takes_a_snapshot_of_the_active_set_and_none_when_it_is_empty(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []

    async def fetched(
        self: Any,
        consumer: Any,
        active: Any,
        timeout: Any = None,  # noqa: ASYNC109  (faust's signature)
        max_records: Any = None,
    ) -> dict[TP, list[int]]:
        calls.append(active)
        active.clear()  # what the event loop may do while the fetch waits
        return {TP("t", 0): [1]}

    monkeypatch.setattr(driver.AIOKafkaConsumerThread, "_fetch_records", fetched)
    thread: Any = worker.app.consumer._thread
    live = {TP("t", 0), TP("t", 1)}

    assert asyncio.run(thread._fetch_records(None, live, timeout=1.0)) == {TP("t", 0): [1]}
    assert live == {TP("t", 0), TP("t", 1)}, "the fetch must not share faust's live set"
    assert calls == [set()]  # the snapshot it got, cleared by the stand-in above
    assert asyncio.run(thread._fetch_records(None, set(), timeout=1.0)) == {}
    assert len(calls) == 1, "an empty active set must not reach aiokafka"


def test_faust_pauses_nothing_new_before_it_activates_an_assignment() -> None:
    """`hold_new_streams` adds to the paused set before faust's `on_partitions_assigned`
    runs, which must keep (intersect with the assignment), not clear, that set."""
    source = inspect.getsource(faust_consumer.Consumer.on_partitions_assigned)
    _in_order(
        source,
        "self._paused_partitions.intersection_update(assigned)",
        "self._set_active_tps(assigned)",
        "self._on_partitions_assigned",
    )
    assert "self._paused_partitions.clear()" not in source


def test_the_conductor_reports_stream_buffers_to_the_consumer_that_reactivates_them(
    worker: Worker,
) -> None:
    """`_Consumer.on_buffer_drop` exists because faust's re-activates a drained
    partition even when it is paused, and the conductor calls the app consumer's."""
    source = inspect.getsource(faust_consumer.Consumer.on_buffer_drop)
    assert "active_partitions.add(tp)" in source
    assert "_paused_partitions" not in source
    # The pure-Python compiler; the Cython ConductorHandler binds the same attribute.
    assert "app.consumer.on_buffer_drop" in inspect.getsource(ConductorCompiler.build)
    assert isinstance(worker.app.consumer._buffered_partitions, set)


def test_recovery_resumes_then_seeks_then_clears_the_queues_then_resumes_the_flow() -> None:
    """The order `_Consumer` relies on to hold stream partitions until after the seek."""
    at = _in_order(
        inspect.getsource(Recovery.on_recovery_completed),
        "consumer.resume_partitions(",
        "consumer.perform_seek()",
        "self.app.flow_control.resume()",
        "consumer.resume_flow()",
    )
    assert at == sorted(at)


# -- app: the producer hook and the agent-error hook -------------------------------------


def test_new_producer_is_the_hook_faust_builds_its_producer_with(worker: Worker) -> None:
    assert "self._new_producer()" in inspect.getsource(faust.App.producer.fget)
    producer: Any = worker.app.producer
    assert isinstance(producer, GuardedProducer)
    assert producer.guard is worker.delivery_guard
    assert producer.settle_timeout_s == worker.settings.broker_lost_exit_s


def test_on_agent_error_is_what_an_agent_calls_when_it_crashes(worker: Worker) -> None:
    app: Any = worker.app
    for agent in app.agents.values():
        assert agent._on_error == app._on_agent_error
    source = inspect.getsource(Agent._execute_actor)
    _in_order(source, "except Exception as exc:", "await self._on_error(self, exc)")


async def test_a_crashed_agent_reaches_the_apps_handler(tmp_path: Path) -> None:
    failed: list[tuple[str, BaseException]] = []
    app = _bare_app(tmp_path, on_agent_failed=lambda agent, exc: failed.append((agent.name, exc)))

    async def boom(stream: Any) -> None:
        async for _ in stream:
            raise ValueError("bad")

    agent: Any = app.agent(app.channel(), name="boom")(boom)

    class ActorRef:
        async def crash(self, exc: BaseException) -> None:
            pass

    class Supervisor:
        def wakeup(self) -> None:
            pass

    agent.supervisor = Supervisor()

    async def crashing() -> None:
        raise ValueError("bad")

    await agent._execute_actor(crashing(), ActorRef())
    assert [(name, str(exc)) for name, exc in failed] == [("boom", "bad")]


def _bare_app(tmp_path: Path, **hooks: Any) -> Any:
    from stream._faust.app import GuardedApp

    class Guard:
        def track(self, future: asyncio.Future[Any]) -> None:
            pass

        async def settle(self, within_s: float) -> None:
            pass

    options: dict[str, Any] = {
        "delivery_guard": Guard(),
        "settle_timeout_s": 1.0,
        "on_agent_failed": lambda agent, exc: None,
        **hooks,
    }
    return GuardedApp(
        "door-test",
        broker="kafka://127.0.0.1:1",
        fetch_max_wait_ms=None,
        verify_end_offsets=False,
        connection={"bootstrap_servers": "127.0.0.1:1"},
        autodiscover=False,
        datadir=str(tmp_path),
        **options,
    )


# -- producer: what faust awaits before a commit -----------------------------------------


def test_faust_flushes_the_producer_right_before_it_commits() -> None:
    source = inspect.getsource(faust_consumer.Consumer._commit_offsets)
    at = _in_order(source, "await self.app.producer.flush()", "await self._commit(")
    assert at == sorted(at)


def test_the_producer_methods_the_guard_wraps_keep_their_shape() -> None:
    assert inspect.iscoroutinefunction(driver.Producer.send)
    assert inspect.iscoroutinefunction(driver.Producer.flush)
    assert list(inspect.signature(faust_producer.Producer.send_soon).parameters) == ["self", "fut"]
    sends = inspect.signature(driver.Producer.send).parameters
    assert list(sends)[:4] == ["self", "topic", "key", "value"]
    # Table changelog writes go through send_soon into faust's buffer.
    assert "send_soon" in inspect.getsource(faust_producer.Producer)


# -- state read-outs and the metadata probe ----------------------------------------------


def test_state_read_outs_find_what_they_read(worker: Worker) -> None:
    consumer: Any = worker.app.consumer
    assert isinstance(consumer._committed_offset, dict)
    assert "self._committed_offset.update(" in inspect.getsource(
        faust_consumer.Consumer._commit_offsets
    )
    consumer._committed_offset[TP("t", 0)] = 41
    assert state.committed_offset(consumer, TP("t", 0)) == 41
    assert state.committed_offset(consumer, TP("t", 1)) is None
    recovery: Any = worker.app.tables.recovery
    assert isinstance(recovery.completed, asyncio.Event)
    assert state.tables_recovered(worker.app) is False
    from faust.stores import rocksdb

    assert "self._dbs" in inspect.getsource(rocksdb.Store)


def test_table_reader_reads_what_the_index_table_holds(worker: Worker) -> None:
    from faust.stores import rocksdb

    from stream.kafka.topics import INDEX_TABLE

    app: Any = worker.app
    table = app.tables[INDEX_TABLE]
    store = table.data
    assert isinstance(store, rocksdb.Store)
    read = state.table_reader(table)

    class Message:
        partition = 0

    class Event:
        message = Message()

    record = [7, ["ankara", "talks"], "", {"n": ["3"]}, 1.5]
    with events.in_event(Event()):
        store["sig:00000000000000aa"] = record  # as a table write puts it
        assert read("sig:00000000000000aa") == record == table["sig:00000000000000aa"]
        assert read("sig:00000000000000bb") is None
        del store["sig:00000000000000aa"]
        assert read("sig:00000000000000aa") is None
    # It relies on faust's store putting each write straight into the partition's
    # database, unbuffered, and keeping its databases by partition in `_dbs`.
    assert "db.put(key, value)" in inspect.getsource(rocksdb.Store._set)
    assert set(store._dbs) == {0}
    # What it saves: a read through the Table tests membership, then reads again.
    from mode.utils.collections import FastUserDict

    assert "if key in self.data:" in inspect.getsource(FastUserDict.__getitem__)


def test_table_reader_is_the_tables_get_for_anything_else(worker: Worker) -> None:
    plain = {"sig:1": [1]}
    assert state.table_reader(plain) == plain.get
    seen: Any = worker.app.tables["teasers-seen"]  # 2 partitions, memory store
    assert state.table_reader(seen) == seen.get


def test_the_metadata_probe_speaks_aiokafkas_connection_api() -> None:
    parameters = inspect.signature(create_conn).parameters
    for name in (
        "host",
        "port",
        "client_id",
        "request_timeout_ms",
        "security_protocol",
        "ssl_context",
        "sasl_mechanism",
        "sasl_plain_username",
        "sasl_plain_password",
    ):
        assert name in parameters, name
    assert MetadataRequest([]) is not None


def test_faust_names_an_outputs_transaction_after_the_partition_it_is_sent_to() -> None:
    """Why `exactly_once` is refused (README, "Processing guarantees"): an output joins
    the transaction of its *destination* partition, not of the input it came from,
    so a repartitioning pipeline commits inputs and outputs in different transactions.
    If this fails, faust changed how it assigns transactions: measure exactly-once
    again on Apache Kafka before lifting the refusal in `stream.settings`."""
    source = inspect.getsource(faust_consumer.TransactionManager.send)
    assert "p = self.consumer.key_partition(topic, key, partition)" in source
    assert 'transactional_id = f"{self.app.conf.id}-{group}-{p}"' in source


def test_member_id_reads_the_coordinator_of_the_consumer_faust_runs(worker: Worker) -> None:
    from aiokafka.consumer.group_coordinator import GroupCoordinator

    assert state.member_id(worker.app) is None  # not started: no aiokafka consumer yet
    thread: Any = worker.app.consumer._thread
    assert "self._consumer = self._create_consumer(" in inspect.getsource(
        driver.AIOKafkaConsumerThread
    )
    assert "self._coordinator = GroupCoordinator(" in inspect.getsource(aiokafka.AIOKafkaConsumer)
    assert "self.member_id = " in inspect.getsource(GroupCoordinator)

    class Coordinator:
        member_id = "faust-0.15.3-abc"

    class Inner:
        _coordinator = Coordinator()

    thread._consumer = Inner()
    try:
        assert state.member_id(worker.app) == "faust-0.15.3-abc"
    finally:
        thread._consumer = None


# -- app.PromptTableManager --------------------------------------------------------------


def test_faust_table_manager_still_sleeps_a_second_then_starts_as_ours_does() -> None:
    # PromptTableManager.on_start is faust's without the sleep: if faust's changes,
    # ours must be written again from it.
    theirs = inspect.getsource(faust.tables.TableManager.on_start)
    _in_order(
        theirs,
        "await self.sleep(1.0)",
        "if not self.should_stop:",
        "await self._update_channels()",
        "await self.recovery.start()",
    )
    ours = inspect.getsource(PromptTableManager.on_start)
    _in_order(ours, "if not self.should_stop:", "await self._update_channels()")
    assert "sleep" not in ours


def test_the_worker_app_manages_its_tables_with_the_prompt_manager(worker: Worker) -> None:
    assert type(worker.app.tables) is PromptTableManager
    assert set(worker.app.tables) == {"teasers-seen", "teasers-index"}
