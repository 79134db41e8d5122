"""Exact dedup of teasers, as functions over plain data and an injected store.

A teaser id is owned by one partition of `teasers.sightings`
(`identity.partition_for`), and the worker that holds that partition decides,
against its `seen` store (a faust Table in the worker, a dict in tests), whether
a sighting is the first. In the order a sighting meets them:

- `RecentlyForwarded` + `route_sightings`: the sightings of a group of pages,
  batched per owning partition, without the ones this worker sent on lately;
- `first_sightings`: a batch + the store -> the sightings never seen before; the
  caller publishes them, waits for the broker's ack, and only then calls
  `record_seen`, so a crash can repeat a teaser but never lose one;
- `Sweeps` + `sweep`: expiry of ids older than the retention, a chunk at a time,
  only of the keys the partition owns (`owns`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from stream import identity
from stream.models import Sighting, TeaserBatch

if TYPE_CHECKING:
    from stream.pipeline import PageResult

# Keys scanned per event when sweeping expired dedup state: small enough that a
# sweep never stalls the loop (~1 ms), large enough to finish within a few minutes.
SWEEP_CHUNK = 2_000


class RecentlyForwarded:
    """The teaser ids this worker sent on to their dedup owner lately.

    A site repeats its ~100 teasers on every page, so almost every sighting is one
    the worker has already sent on. Dropping those here, before they become
    messages, keeps the sightings hop to the few new teasers per page. It can only
    drop a repeat: the owner decided that id when it first arrived, and anything
    forgotten here (restart, eviction, expiry) costs one sighting the owner drops.
    Ids are kept in forwarding order, so eviction and expiry both pop the oldest;
    entries expire within the dedup retention, so an id the owner has expired is
    sent on again and can be new again.
    """

    def __init__(self, capacity: int, ttl_s: float) -> None:
        self.capacity = capacity
        self.ttl_s = ttl_s
        self._at: dict[str, float] = {}

    def is_repeat(self, teaser_id: str, now: float) -> bool:
        """True if `teaser_id` was forwarded within the TTL; else note it as forwarded now."""
        at = self._at.get(teaser_id)
        if at is not None and now - at < self.ttl_s:
            return True
        if self.capacity <= 0:
            return False
        self._at.pop(teaser_id, None)
        self._at[teaser_id] = now
        self._trim(now)
        return False

    def _trim(self, now: float) -> None:
        at = self._at
        while at:
            oldest, when = next(iter(at.items()))
            if len(at) <= self.capacity and now - when < self.ttl_s:
                return
            del at[oldest]

    def __len__(self) -> int:
        return len(self._at)


def route_sightings(
    results: Iterable[PageResult],
    *,
    partitions: int,
    forwarded: RecentlyForwarded | None = None,
    now: float | None = None,
) -> tuple[dict[int, TeaserBatch], int]:
    """The pages' sightings as one batch per partition of `teasers.sightings`, and
    how many were dropped as repeats (of the group, or forwarded lately).

    Within the group a teaser is one sighting, that of the earliest page; a batch's
    `page_timestamp` is its earliest page's, so the latency metric errs high.
    """
    now = time.time() if now is None else now
    routed: dict[int, dict[str, Sighting]] = {}
    oldest: dict[int, dt.datetime] = {}
    dropped = 0
    for result in results:
        article = result.article
        if article is None:
            continue
        for tid, teaser in result.teasers.items():
            # Forwarded lately is the answer for ~97 of a page's 100 teasers: asked
            # first, it spares them the partition and the bucket.
            if forwarded is not None and forwarded.is_repeat(tid, now):
                dropped += 1
                continue
            partition = identity.partition_for(tid, partitions)
            bucket = routed.setdefault(partition, {})
            if tid in bucket:
                dropped += 1
                continue
            bucket[tid] = Sighting(
                teaser_id=tid,
                headline=teaser.headline,
                lead=teaser.lead,
                page_id=article.page_id,
                url=article.url,
                seen_at=article.parsed_at,
            )
            if result.timestamp is not None:
                earliest = oldest.get(partition)
                oldest[partition] = min(earliest or result.timestamp, result.timestamp)
    batches = {
        partition: TeaserBatch(
            sightings=list(sightings.values()), page_timestamp=oldest.get(partition)
        )
        for partition, sightings in sorted(routed.items())
        if sightings
    }
    return batches, dropped


def first_sightings(batches: Iterable[TeaserBatch], seen: Mapping[str, Any]) -> list[Sighting]:
    """Stage 2a. The sightings whose teaser id the store has not seen, each id once
    (the earliest, when the batches repeat one)."""
    fresh: dict[str, Sighting] = {}
    for batch in batches:
        for sighting in batch.sightings:
            tid = sighting.teaser_id
            if tid not in fresh and tid not in seen:
                fresh[tid] = sighting
    return list(fresh.values())


def oldest_timestamp(batches: Iterable[TeaserBatch]) -> dt.datetime | None:
    """The earliest page timestamp of the batches, for the latency metric."""
    return min((b.page_timestamp for b in batches if b.page_timestamp is not None), default=None)


def record_seen(seen: MutableMapping[str, Any], sightings: Iterable[Sighting], at: float) -> None:
    """Stage 2b. Call only after the first sightings were published and acknowledged."""
    for sighting in sightings:
        seen[sighting.teaser_id] = at


def expired_keys(
    seen: Mapping[str, Any], keys: Iterable[str], *, now: float, retention_s: float
) -> Iterator[str]:
    """The keys among `keys` first seen longer than `retention_s` ago."""
    horizon = now - retention_s
    for key in keys:
        first_seen = seen.get(key)
        if first_seen is not None and first_seen < horizon:
            yield key


def owns(key: str, partition: int, partitions: int) -> bool:
    """True if `partition` (of `partitions`) is where `key`'s dedup state lives."""
    return identity.partition_for(key, partitions) == partition


class Sweeps:
    """Where each partition's sweep of the store has got to, and when the next starts."""

    def __init__(
        self, interval_s: float, chunk: int = SWEEP_CHUNK, *, first_after_s: float = 0.0
    ) -> None:
        self.interval_s = interval_s
        self.chunk = chunk
        # How long after its first event a partition's first sweep waits.
        self.first_after_s = first_after_s
        self._cursors: dict[int, Iterator[str]] = {}
        self._next: dict[int, float] = {}

    def next_chunk(
        self, partition: int, keys: Callable[[], Iterable[str]], now: float
    ) -> list[str]:
        """The next keys of `partition`'s sweep; a new sweep over `keys()` once one is due."""
        cursor = self._cursors.get(partition)
        if cursor is None:
            if now < self._next.setdefault(partition, now + self.first_after_s):
                return []
            # A plain copy of the keys (fast, C level); ownership is checked chunk by
            # chunk, so no event pays for a pass over the whole table.
            cursor = self._cursors[partition] = iter(list(keys()))
            self._next[partition] = now + self.interval_s
        chunk = [key for _, key in zip(range(self.chunk), cursor, strict=False)]
        if len(chunk) < self.chunk:
            del self._cursors[partition]
        return chunk


def sweep(
    seen: MutableMapping[str, Any],
    sweeps: Sweeps,
    partition: int,
    *,
    now: float,
    partitions: int,
    retention_s: float,
) -> None:
    """Expire `partition`'s keys older than the retention, a chunk per call.

    The worker calls it inside the event of `partition`, so that each delete goes
    to the changelog partition that owns those keys.
    """
    chunk = sweeps.next_chunk(partition, seen.keys, now)
    owned = (key for key in chunk if owns(key, partition, partitions))
    for key in expired_keys(seen, owned, now=now, retention_s=retention_s):
        del seen[key]
