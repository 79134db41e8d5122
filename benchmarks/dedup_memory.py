"""(e) of `bench_pipeline.py`: resident memory per distinct teaser in the dedup state.

Run in a fresh process per store, so that nothing else the benchmark allocated is
in the figure:

    python benchmarks/dedup_memory.py --store memory --teasers 1000000
    python benchmarks/dedup_memory.py --store rocksdb --teasers 1000000

It builds the worker's own `teasers-seen` table (`stream.kafka.worker.Worker`, which connects
to nothing until started) and takes the store faust would give it, so keys and
values are held exactly as in the worker: a dict of str -> float for `memory://`,
faust's JSON key/value serialization into one RocksDB per partition for
`rocksdb://`. Ids are written through `stream.dedup.record_seen`, a few per call
as the sightings agent does (about `new_per_page` new teasers per page, spread
over the partitions), so if the stored representation changes, this follows it.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stream import dedup, identity  # noqa: E402
from stream._faust import events as faust_events  # noqa: E402
from stream._faust import state  # noqa: E402
from stream.kafka.worker import Worker  # noqa: E402
from stream.models import Sighting  # noqa: E402
from stream.settings import Settings  # noqa: E402

STORES = {"memory": "memory://", "rocksdb": "rocksdb://"}
# Sightings are built this many at a time and dropped once recorded: holding a
# million pydantic objects would dwarf the state being measured.
CHUNK = 10_000


def rss_bytes() -> int:
    """Resident set size of this process, from /proc (Linux), else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class _Message:
    __slots__ = ("partition",)

    def __init__(self, partition: int) -> None:
        self.partition = partition


class _Event:
    """What faust's RocksDB store reads from the current event: its partition.

    In the worker a write to `teasers-seen` happens while the sightings agent
    handles an event of the partition that owns the key (that is the design), and
    the store files the key under that partition's database.
    """

    __slots__ = ("__weakref__", "message")

    def __init__(self, partition: int) -> None:
        self.message = _Message(partition)


def sightings(first: int, count: int, *, at: dt.datetime) -> Iterator[Sighting]:
    for n in range(first, first + count):
        headline = f"Synthetic teaser number {n}"
        yield Sighting(
            teaser_id=identity.teaser_id(headline, None),
            headline=headline,
            lead=None,
            page_id=f"{n // 3:016x}",
            url=None,
            seen_at=at,
        )


def record(store: Any, batch: list[Sighting], partitions: int, per_call: int) -> None:
    """Record `batch` as the sightings agent would: per page, per partition."""
    events = [_Event(p) for p in range(partitions)]
    for start in range(0, len(batch), per_call):
        page: dict[int, list[Sighting]] = defaultdict(list)
        for sighting in batch[start : start + per_call]:
            page[identity.partition_for(sighting.teaser_id, partitions)].append(sighting)
        for partition, fresh in page.items():
            with faust_events.in_event(events[partition]):
                dedup.record_seen(store, fresh, time.time())


def measure(store_name: str, teasers: int, *, partitions: int, per_call: int) -> dict[str, Any]:
    data_dir = tempfile.mkdtemp(prefix=f"stream-dedup-{store_name}-")
    try:
        # Placeholder address: the App is only built, never started. A cluster's, so
        # that the tables are under `data_dir`, where their disk use is measured.
        settings = Settings(
            store=STORES[store_name],
            data_dir=data_dir,
            partitions=partitions,
            bootstrap_servers="127.0.0.1:9",
        )
        worker = Worker(settings, bootstrap_servers="127.0.0.1:9")
        store = worker.seen_table.data
        now = dt.datetime.now(dt.UTC)
        # Warm-up outside the measurement: imports, the first database per partition,
        # the allocator's pools for one chunk of sightings.
        warm = list(sightings(teasers + 1, min(CHUNK, teasers), at=now))
        record(store, warm[: partitions * 8], partitions, per_call)
        del warm
        gc.collect()
        warm_keys = partitions * 8
        before = rss_bytes()
        started = time.perf_counter()
        for first in range(0, teasers, CHUNK):
            chunk = list(sightings(first, min(CHUNK, teasers - first), at=now))
            record(store, chunk, partitions, per_call)
            del chunk
        seconds = time.perf_counter() - started
        gc.collect()
        after = rss_bytes()
        held = _count(store, store_name)
        disk = _disk_bytes(Path(data_dir)) if store_name == "rocksdb" else 0
        return {
            "store": STORES[store_name],
            "teasers": teasers,
            "keys_held": held - warm_keys,
            "rss_before_bytes": before,
            "rss_after_bytes": after,
            "bytes_per_teaser": (after - before) / teasers if teasers else 0.0,
            "disk_bytes": disk,
            "record_us_per_teaser": seconds / teasers * 1e6 if teasers else 0.0,
        }
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _count(store: Any, store_name: str) -> int:
    """Keys the store holds, read back from it: a lost write must not pass unseen."""
    if store_name == "memory":
        return len(store.data)
    return state.stored_keys(store)


def _disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", choices=sorted(STORES), required=True)
    parser.add_argument("--teasers", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument(
        "--per-call", type=int, default=3, help="ids recorded per page (new teasers per page)"
    )
    args = parser.parse_args(argv)
    report = measure(args.store, args.teasers, partitions=args.partitions, per_call=args.per_call)
    report["pid"] = os.getpid()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
