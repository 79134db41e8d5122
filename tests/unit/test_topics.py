"""stream.kafka.topics: the changelog topics `stream run` declares are faust's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stream.kafka.topics import changelog_specs, state_specs
from stream.kafka.worker import Worker
from stream.settings import Settings


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    settings = Settings(
        bootstrap_servers="127.0.0.1:1", app_id="my-app", partitions=3, data_dir=str(tmp_path)
    )
    built = Worker(settings, bootstrap_servers="127.0.0.1:1")
    yield built
    app: Any = built.app
    if app._consumer is not None:
        app.consumer._thread.thread_loop.close()  # made with the consumer, never run


def test_changelog_specs_name_and_size_the_changelogs_faust_gives_the_tables(
    worker: Worker,
) -> None:
    tables = [worker.seen_table, worker.index_table]
    faust_changelogs = {
        (t.changelog_topic.get_topic_name(), t.changelog_topic.partitions) for t in tables
    }

    declared = {(spec.name, spec.partitions) for spec in changelog_specs(worker.settings)}

    assert declared == faust_changelogs
    assert all(
        spec.config == {"cleanup.policy": "compact"} for spec in changelog_specs(worker.settings)
    )
    assert all(t.changelog_topic.compacting for t in tables)


def test_the_state_topics_are_the_changelogs_the_attempt_counts_and_the_workers(
    worker: Worker,
) -> None:
    specs = {spec.name: spec for spec in state_specs(worker.settings)}

    attempts = specs["my-app-page-attempts"]
    assert (attempts.partitions, attempts.config) == (3, {"cleanup.policy": "compact"})
    workers = specs["my-app-workers"]
    assert (workers.partitions, workers.config) == (1, {"cleanup.policy": "compact"})
    changelogs = {s.name for s in changelog_specs(worker.settings)}
    assert set(specs) - {attempts.name, workers.name} == changelogs
