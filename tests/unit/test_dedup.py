"""stream.dedup: ownership, the chunked sweep of expired ids, the oldest timestamp."""

from __future__ import annotations

import datetime as dt

from stream import dedup, identity
from stream.models import TeaserBatch

PARTITIONS = 4


def _keys_of(partition: int, count: int) -> list[str]:
    keys = (identity.teaser_id(f"Headline {n}", None) for n in range(10_000))
    return [k for k in keys if identity.partition_for(k, PARTITIONS) == partition][:count]


def test_owns_is_the_partition_a_teaser_id_is_routed_to() -> None:
    for key in _keys_of(2, 1) + _keys_of(3, 2):
        owner = identity.partition_for(key, PARTITIONS)
        assert [dedup.owns(key, p, PARTITIONS) for p in range(PARTITIONS)] == [
            p == owner for p in range(PARTITIONS)
        ]


def test_sweep_expires_only_old_keys_the_partition_owns_a_chunk_at_a_time() -> None:
    mine, other = _keys_of(0, 5), _keys_of(1, 2)
    seen = {key: 0.0 for key in mine + other}
    seen[mine[0]] = 950.0  # recent: kept
    sweeps = dedup.Sweeps(interval_s=100.0, chunk=4)

    def sweep(now: float) -> None:
        dedup.sweep(seen, sweeps, 0, now=now, partitions=PARTITIONS, retention_s=500.0)

    sweep(1000.0)  # the first chunk of 4 of the 7 keys
    sweep(1000.0)  # the rest; the sweep is done
    assert set(seen) == {mine[0], *other}
    seen[mine[1]] = 0.0
    sweep(1050.0)  # the next sweep is not due before 1100
    assert mine[1] in seen
    sweep(1100.0)
    assert mine[1] not in seen


def test_the_first_sweep_can_wait_an_interval_after_the_first_event() -> None:
    key = _keys_of(0, 1)[0]
    seen = {key: 0.0}
    sweeps = dedup.Sweeps(interval_s=100.0, first_after_s=100.0)

    def sweep(now: float) -> None:
        dedup.sweep(seen, sweeps, 0, now=now, partitions=PARTITIONS, retention_s=500.0)

    sweep(1000.0)
    sweep(1099.0)
    assert key in seen
    sweep(1100.0)
    assert key not in seen


def test_oldest_timestamp_is_the_earliest_page_of_the_batches() -> None:
    early, late = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    batches = [
        TeaserBatch(sightings=[], page_timestamp=late),
        TeaserBatch(sightings=[], page_timestamp=None),
        TeaserBatch(sightings=[], page_timestamp=early),
    ]
    assert dedup.oldest_timestamp(batches) == early
    assert dedup.oldest_timestamp([]) is None
