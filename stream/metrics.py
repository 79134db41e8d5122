"""The Prometheus metrics of a worker, served as text on `/metrics`.

Every metric lives on a `CollectorRegistry` passed in, as in faust's
`sensors/prometheus.py`, so a worker owns one registry and each test builds a fresh
one instead of sharing the process-wide default. Label values are closed sets
(outcomes, teaser results, dead-letter reasons, stages) created at zero up front:
every series exists from the first scrape, so `rate()` and `increase()` see the
first event instead of starting at it, and a dashboard shows 0 rather than "No
data". The only open labels are a topic and partition the worker is assigned, and
those series are removed when the partition is revoked. The Grafana dashboard and
the alert rules in `deploy/` query only the names defined here; a test holds them to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.parser import text_string_to_metric_families

from stream.errors import DEAD_LETTER_REASONS as _REASONS

__all__ = [
    "CONTENT_TYPE",
    "DEAD_LETTER_REASONS",
    "END_TO_END_BUCKETS",
    "PAGE_OUTCOMES",
    "STAGES",
    "STAGE_BUCKETS",
    "TEASER_RESULTS",
    "Metrics",
    "parse_exposition",
]

#: The `Content-Type` of `Metrics.render()`, for the `/metrics` response.
CONTENT_TYPE: Final = CONTENT_TYPE_LATEST

PAGE_OUTCOMES: Final = ("parsed", "dead_letter")
#: One result per teaser sighting, exclusive: `near_duplicate` is a new teaser that is
#: published with `near_duplicate_of` set, `unique` one published without it, and
#: `repeat` one already published and dropped. Published = unique + near_duplicate.
TEASER_RESULTS: Final = ("unique", "repeat", "near_duplicate")
#: A reason outside `stream.errors.DEAD_LETTER_REASONS` is counted as `other` so the
#: label stays bounded and counting a dead letter can never raise.
DEAD_LETTER_REASONS: Final = (*_REASONS, "other")
STAGES: Final = ("parse", "dedup", "enrich", "publish")

# Measured: parse ~65-300 µs per page, dedup of a batch ~50 µs-5 ms, enrich
# ~20-200 µs per teaser, publish 0.5-100 ms. A 1-2.5-5 ladder from 25 µs to 2.5 s
# puts several buckets under each stage's normal range and leaves room to see a
# stall (a slow broker, a blocked loop) before it reaches +Inf.
STAGE_BUCKETS: Final = (
    25e-6,
    50e-6,
    100e-6,
    250e-6,
    500e-6,
    1e-3,
    2.5e-3,
    5e-3,
    10e-3,
    25e-3,
    50e-3,
    100e-3,
    250e-3,
    500e-3,
    1.0,
    2.5,
)
# Page timestamp to output spans the broker round trips (milliseconds) up to a backlog
# being worked off (tens of seconds): the same ladder from 5 ms, on to a minute. 5 s is
# an edge because the latency alert fires above it, and a quantile is exact at an edge.
END_TO_END_BUCKETS: Final = (*(b for b in STAGE_BUCKETS if b >= 5e-3), 5.0, 10.0, 30.0, 60.0)


def _installed_version() -> str:
    try:
        return package_version("stream")
    except PackageNotFoundError:
        # Run from a source tree that was never installed (tests without `pip install`).
        return "unknown"


class Metrics:
    """The metrics of one worker, registered on `registry`.

    `process_metrics=False` leaves out the `process_*` and `python_*` collectors,
    for a registry that already has them (the process-wide default one does).
    `clock` is the monotonic clock `observe_stage` reads; tests pass a fake one.
    """

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        version: str | None = None,
        process_metrics: bool = True,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.registry = registry
        self._clock = clock

        self.pages = Counter(
            "stream_pages_total",
            "Pages consumed from the input topic, by outcome: parsed into an article "
            "or sent to the dead-letter topic.",
            ["outcome"],
            registry=registry,
        )
        self.bytes_in = Counter(
            "stream_bytes_in_total",
            "Bytes of page values consumed from the input topic.",
            registry=registry,
        )
        self.teasers = Counter(
            "stream_teasers_total",
            "Teaser sightings by result: unique (published), near_duplicate (published "
            "with near_duplicate_of set) or repeat (already published, dropped).",
            ["result"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "stream_dead_letters_total",
            "Inputs sent to the dead-letter topic, by reason code.",
            ["reason"],
            registry=registry,
        )
        self.poison_pages = Counter(
            "stream_poison_pages_total",
            "Pages a stage raised on in every one of STREAM_POISON_ATTEMPTS attempts, sent "
            "to the dead-letter topic as internal_error (a bug to fix, then replay), by stage.",
            ["stage"],
            registry=registry,
        )
        self.stage_seconds = Histogram(
            "stream_stage_seconds",
            "Time spent in one pipeline stage: parse (per page), dedup (per group of "
            "pages or batch of sightings), enrich (per teaser), publish (per group of sends).",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=registry,
        )
        self.end_to_end_seconds = Histogram(
            "stream_end_to_end_seconds",
            "Time from the page's timestamp to its output being published.",
            buckets=END_TO_END_BUCKETS,
            registry=registry,
        )
        self.consumer_lag = Gauge(
            "stream_consumer_lag",
            "Messages behind the end of each partition assigned to this worker.",
            ["topic", "partition"],
            registry=registry,
        )
        self.dedup_state_keys = Gauge(
            "stream_dedup_state_keys",
            "Teaser ids held in this worker's dedup state (its partitions only).",
            registry=registry,
        )
        self.assigned_partitions = Gauge(
            "stream_assigned_partitions",
            "Partitions currently assigned to this worker, over all topics it consumes.",
            registry=registry,
        )
        self.worker_ready = Gauge(
            "stream_worker_ready",
            "1 when the worker has partitions and has caught up (what /readyz says), else 0.",
            registry=registry,
        )
        self.build_info = Gauge(
            "stream_build_info",
            "Always 1; the label says which version of stream this worker runs.",
            ["version"],
            registry=registry,
        )
        self.build_info.labels(version=version or _installed_version()).set(1)

        # Every series exists from the start (a panel shows 0, not "no data"), and the
        # ones counted per page or teaser are looked up once: `labels()` takes a lock
        # and builds a key, a few µs a call on the hot path.
        self._pages = {outcome: self.pages.labels(outcome=outcome) for outcome in PAGE_OUTCOMES}
        self._teasers = {result: self.teasers.labels(result=result) for result in TEASER_RESULTS}
        for reason in DEAD_LETTER_REASONS:
            self.dead_letters.labels(reason=reason)
        self._stages = {stage: self.stage_seconds.labels(stage=stage) for stage in STAGES}
        for stage in STAGES:
            self.poison_pages.labels(stage=stage)

        if process_metrics:
            # Memory and CPU per worker: what tells a leak or a hot loop from a lag
            # caused by the broker. Both collectors register themselves.
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)

        self._lag_partitions: set[tuple[str, int]] = set()

    # -- Recording ----------------------------------------------------------------

    def page_in(self, size_bytes: int) -> None:
        """Count the bytes of one consumed page (before its outcome is known)."""
        self.bytes_in.inc(size_bytes)

    def page_parsed(self) -> None:
        """Count one page that became an article."""
        self._pages["parsed"].inc()

    def dead_letter(self, reason: str) -> None:
        """Count one input sent to the dead-letter topic, in both page and reason views."""
        self.pages.labels(outcome="dead_letter").inc()
        label = reason if reason in DEAD_LETTER_REASONS else "other"
        self.dead_letters.labels(reason=label).inc()

    def poison_page(self, stage: str) -> None:
        """Count one page dead-lettered as `internal_error` after `stage` raised on it
        (the dead letter itself is counted by `dead_letter`)."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
        self.poison_pages.labels(stage=stage).inc()

    def teaser(self, result: str, count: int = 1) -> None:
        """Count `count` teaser sightings with one result (`TEASER_RESULTS`)."""
        child = self._teasers.get(result)
        if child is None:
            raise ValueError(f"unknown teaser result {result!r}; expected one of {TEASER_RESULTS}")
        child.inc(count)

    @contextmanager
    def observe_stage(self, stage: str) -> Iterator[None]:
        """Time the `with` block into `stream_stage_seconds{stage}`, also when it raises."""
        child = self._stages.get(stage)
        if child is None:
            # A typo would otherwise open a new series that no panel shows.
            raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
        start = self._clock()
        try:
            yield
        finally:
            child.observe(self._clock() - start)

    def observe_end_to_end(self, seconds: float) -> None:
        """Record page timestamp to output; a negative value (clock skew) counts as 0."""
        self.end_to_end_seconds.observe(max(0.0, seconds))

    def set_lag(self, topic: str, partition: int, lag: int) -> None:
        """Set the lag of one assigned partition; never below 0."""
        self.consumer_lag.labels(topic=topic, partition=str(partition)).set(max(0, lag))
        self._lag_partitions.add((topic, partition))

    def set_assignment(self, partitions: Collection[tuple[str, int]]) -> None:
        """Record the partitions assigned after a rebalance, as `(topic, partition)`.

        The lag series of a partition that moved to another worker are removed:
        left in place, they would freeze at their last value and be counted twice
        when lag is summed over workers.
        """
        assigned = set(partitions)
        for topic, partition in self._lag_partitions - assigned:
            self.consumer_lag.remove(topic, str(partition))
        self._lag_partitions &= assigned
        self.assigned_partitions.set(len(assigned))

    def set_ready(self, ready: bool) -> None:
        self.worker_ready.set(1 if ready else 0)

    def set_dedup_state_keys(self, keys: int) -> None:
        self.dedup_state_keys.set(keys)

    # -- Exposition ---------------------------------------------------------------

    def render(self) -> bytes:
        """Every metric of the registry in the Prometheus text format (`CONTENT_TYPE`)."""
        return generate_latest(self.registry)


def parse_exposition(text: str, prefix: str = "") -> dict[str, float]:
    """`name{labels}` -> value of every sample in a `/metrics` page whose name starts with `prefix`.

    Labels are written as the page lists them (`stream_pages_total{outcome="parsed"}`),
    so a key reads like the line it came from; a sample without labels is its name.
    """
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if not sample.name.startswith(prefix):
                continue
            labels = ",".join(f'{k}="{_escape(v)}"' for k, v in sample.labels.items())
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


def _escape(value: str) -> str:
    # The parser unescapes label values; the key keeps the exposition's spelling.
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
