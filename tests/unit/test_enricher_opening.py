"""The fresh agent's enricher: opened from the index table at recovery, before the
worker reports ready, and dropped or reopened as the index partition moves; the
table itself on RocksDB."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from typing import Any

from faust.stores import memory, rocksdb
from prometheus_client import CollectorRegistry

from stream import pipeline
from stream.kafka.worker import Agents, Outputs, Worker
from stream.metrics import Metrics
from stream.models import Teaser
from stream.settings import Settings

SETTINGS = Settings(partitions=2)
TEXT = "5 civilians killed, 9 wounded in Ukraine's attacks on Zaporozhye Region during day"
REWORDED = "Ukraine's attacks on Zaporozhye Region leave 5 civilians dead, 9 wounded in a day"


class _Nowhere:
    async def send(self, **_: Any) -> None:
        raise AssertionError("nothing is sent here")


def _agents(index: dict[str, Any]) -> Agents:
    sink = _Nowhere()
    outputs = Outputs(articles=sink, dead_letters=sink, sightings=sink, fresh=sink, unique=sink)
    return Agents(
        SETTINGS, metrics=Metrics(CollectorRegistry()), outputs=outputs, seen={}, index=index
    )


def _teaser(tid: str, headline: str) -> Teaser:
    return Teaser(
        teaser_id=tid,
        headline=headline,
        first_page_id="p",
        first_seen_at=dt.datetime(2026, 2, 11, tzinfo=dt.UTC),
    )


def _written_by_another_worker() -> dict[str, Any]:
    index: dict[str, Any] = {}
    enricher = pipeline.TeaserEnricher(index, threshold=SETTINGS.near_duplicate_threshold)
    enricher.enrich(_teaser("first", TEXT))
    return index


async def test_the_enricher_is_opened_at_recovery_with_what_the_table_holds() -> None:
    agents = _agents(_written_by_another_worker())
    await agents.index_recovered(held=True, generation=1)
    assert agents.enricher is not None
    assert len(agents.enricher.near_duplicates) == 1
    enriched = agents.enricher.enrich(_teaser("second", REWORDED))
    assert enriched.enrichment.near_duplicate_of == "first"


async def test_it_is_kept_from_one_generation_to_the_next_and_dropped_when_revoked() -> None:
    agents = _agents(_written_by_another_worker())
    await agents.index_recovered(held=True, generation=1)
    opened = agents.enricher
    await agents.index_recovered(held=True, generation=2)
    assert agents.enricher is opened
    await agents.index_recovered(held=False, generation=3)
    assert agents.enricher is None


async def test_a_missed_generation_reopens_it_from_the_table() -> None:
    index = _written_by_another_worker()
    agents = _agents(index)
    await agents.index_recovered(held=True, generation=1)
    opened = agents.enricher
    # Meanwhile (generations 2-3) another worker held the partition and added a teaser.
    pipeline.TeaserEnricher(index, threshold=SETTINGS.near_duplicate_threshold).enrich(
        _teaser("elsewhere", "Lavrov speaks in parliament about New START")
    )
    await agents.index_recovered(held=True, generation=4)
    assert agents.enricher is not opened
    assert agents.enricher is not None
    assert len(agents.enricher.near_duplicates) == 2


def test_the_index_table_is_on_rocksdb_in_a_directory_of_its_worker(tmp_path: Path) -> None:
    """Whatever STREAM_STORE says; and faust must not read our store URL as none at all
    (a bare `rocksdb://` is a falsy URL, and the table silently got the app's store)."""
    settings = Settings(
        bootstrap_servers="127.0.0.1:9", data_dir=str(tmp_path), web_port=6123, app_id="app"
    )
    worker = Worker(settings, bootstrap_servers="127.0.0.1:9")
    index, seen = worker.index_table.data, worker.seen_table.data
    assert isinstance(index, rocksdb.Store)
    assert isinstance(seen, memory.Store)
    assert index.partition_path(0).parent == tmp_path / "v1" / "tables-app-6123"
    assert index.rocksdb_options.write_buffer_size == 8 << 20


def test_faust_runs_recovery_callbacks_before_it_marks_recovery_complete() -> None:
    """Readiness (`/readyz`) waits for `recovery.completed`; the enricher is opened in
    the index table's recovery callback, so it must run before that is set."""
    from faust.tables import base, recovery

    source = inspect.getsource(recovery.Recovery.on_recovery_completed)
    assert source.index("table.on_recovery_completed(") < source.index("self.completed.set()")
    assert "await self.call_recover_callbacks()" in inspect.getsource(
        base.Collection.on_recovery_completed
    )


def test_with_the_embedded_broker_the_tables_live_and_die_with_the_process(tmp_path: Path) -> None:
    """Its topics are in memory: a database kept for the next broker would hold
    offsets past the end of a new changelog, and faust would refuse to start."""
    worker = Worker(Settings(data_dir=str(tmp_path)), bootstrap_servers="127.0.0.1:9")
    tables = Path(worker.table_dir)
    assert tables.is_absolute()
    assert tables.is_dir()
    assert not tables.is_relative_to(tmp_path)
    assert worker.index_table.data.partition_path(0).parent == tables
    assert Worker(Settings(data_dir=str(tmp_path)), bootstrap_servers="127.0.0.1:9").table_dir != (
        worker.table_dir
    )
