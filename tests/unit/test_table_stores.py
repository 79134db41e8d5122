"""Both tables' RocksDB databases get the options `stream` gives them.

faust builds each table's database options from the table's `options`; its default
Bloom filter (3 bits per key) let a lookup of a missing key read a block of every
file on disk about one time in four, so each new teaser's replay check cost more the
more state a worker held (issue 14). If an upgrade stops passing the options through,
this fails instead of the cost growing again unseen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stream.kafka.worker import BLOOM_BITS_PER_KEY, INDEX_TABLE, SEEN_TABLE, Worker
from stream.settings import Settings


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    settings = Settings(
        bootstrap_servers="127.0.0.1:1",
        partitions=2,
        data_dir=str(tmp_path),
        store="rocksdb://",
    )
    app: Any = Worker(settings, bootstrap_servers="127.0.0.1:1").app
    yield app
    if app._consumer is not None:
        app.consumer._thread.thread_loop.close()  # made with the consumer, never run


@pytest.mark.parametrize("table", [SEEN_TABLE, INDEX_TABLE])
def test_each_table_database_has_ten_bloom_bits_per_key(app: Any, table: str) -> None:
    store = app.tables[table].data
    assert type(store).__module__ == "faust.stores.rocksdb"
    options = store.rocksdb_options
    assert options.bloom_filter_size == BLOOM_BITS_PER_KEY == 10
    # What faust opens each partition's database with, built as it builds it.
    options.as_options()


def test_the_index_keeps_its_small_caches(app: Any) -> None:
    options = app.tables[INDEX_TABLE].data.rocksdb_options
    assert options.write_buffer_size == 8 << 20
    assert options.block_cache_size == 16 << 20
