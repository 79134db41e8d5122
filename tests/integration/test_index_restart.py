"""A worker restarted on its host and port finds its RocksDB near-duplicate table again.

The table's database is under `STREAM_DATA_DIR` in a directory named for the worker's
app id and web port: the restarted worker opens it (faust then restores only the
changelog written since), builds its index before it reports ready, and still flags
nothing twice.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

from stream.settings import Settings
from stream.testing.workers import WorkerProcess, running_worker
from tests.integration.kafka_helpers import prepare, publish_samples
from tests.integration.test_app import (
    TEASERS_000,
    TEASERS_002,
    UNIQUE_BOTH,
    outputs,
    wait_accounted,
)

_OPENED = re.compile(r"near-duplicate index opened: (\d+) teasers")


def test_a_worker_restarted_on_its_port_opens_its_own_index_database(
    settings: Settings, tmp_path: Path
) -> None:
    prepare(settings)
    worker = WorkerProcess.start(settings, tmp_path, "before")
    port = worker.web_port
    worker.wait_ready()
    publish_samples(settings)
    wait_accounted(worker, pages=2, sightings=TEASERS_000 + TEASERS_002)
    assert worker.stop(signal.SIGTERM) == 0, worker.log()
    database = Path(settings.data_dir) / "v1" / f"tables-{settings.app_id}-{port}"
    assert (database / "teasers-index-0.db").is_dir()

    with running_worker(settings, tmp_path, "after", port=port) as again:
        assert again.log_path is not None
        opened = [int(n) for n in _OPENED.findall(again.log_path.read_text(errors="replace"))]
        assert opened == [UNIQUE_BOTH], again.log()
        publish_samples(settings)
        wait_accounted(again, pages=2, sightings=TEASERS_000 + TEASERS_002)
        _, teasers, _ = outputs(settings)
    ids = [t["teaser_id"] for t in teasers]
    assert len(ids) == len(set(ids)) == UNIQUE_BOTH
