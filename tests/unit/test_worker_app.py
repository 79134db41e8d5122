"""The worker's faust App is configured by `stream.settings` alone.

faust reads its own environment variables (`PROCESSING_GUARANTEE`, `BROKER_URL`,
`TABLE_STANDBY_REPLICAS`, ...) over the arguments the App is built with; a stray
one in a container would silently change a worker (or let exactly-once in, which
`stream` refuses). Only `STREAM_*` variables configure `stream`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stream.kafka.worker import Worker
from stream.settings import Settings

FAUSTS_OWN = {
    "PROCESSING_GUARANTEE": "exactly_once",
    "BROKER_COMMIT_INTERVAL": "99",
    "TABLE_STANDBY_REPLICAS": "7",
    "STORE": "rocksdb://",
    "BROKER_URL": "kafka://elsewhere:9092",
    "TOPIC_PARTITIONS": "64",
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in FAUSTS_OWN.items():
        monkeypatch.setenv(name, value)
    settings = Settings(bootstrap_servers="127.0.0.1:1", partitions=2, data_dir=str(tmp_path))
    worker = Worker(settings, bootstrap_servers="127.0.0.1:1")
    app: Any = worker.app
    yield app
    if app._consumer is not None:
        app.consumer._thread.thread_loop.close()  # made with the consumer, never run


def test_fausts_own_environment_variables_change_nothing(app: Any) -> None:
    conf = app.conf
    assert conf.processing_guarantee.value == "at_least_once"
    assert conf.broker_commit_interval == 1.0
    assert conf.table_standby_replicas == 1
    assert str(conf.store).startswith("memory:")  # STREAM_STORE's default
    assert [str(url) for url in conf.broker] == ["kafka://127.0.0.1:1"]
    assert conf.topic_partitions == 2
