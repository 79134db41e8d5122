"""Tests of `stream.metrics`: names, pre-initialised labels, buckets, exposition."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry

from stream.metrics import (
    DEAD_LETTER_REASONS,
    PAGE_OUTCOMES,
    STAGES,
    TEASER_RESULTS,
    Metrics,
    parse_exposition,
)

CONTRACT_METRICS = {
    "stream_pages_total",
    "stream_teasers_total",
    "stream_dead_letters_total",
    "stream_stage_seconds_bucket",
    "stream_stage_seconds_sum",
    "stream_stage_seconds_count",
    "stream_end_to_end_seconds_bucket",
    "stream_end_to_end_seconds_sum",
    "stream_end_to_end_seconds_count",
    "stream_consumer_lag",
    "stream_dedup_state_keys",
    "stream_poison_pages_total",
}


class FakeClock:
    """A monotonic clock that returns the given readings in turn."""

    def __init__(self, *readings: float) -> None:
        self._readings: Iterator[float] = iter(readings)

    def __call__(self) -> float:
        return next(self._readings)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> Metrics:
    return Metrics(registry, version="1.2.3")


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def sample_names(text: bytes) -> set[str]:
    lines = text.decode().splitlines()
    return {line.split("{")[0].split(" ")[0] for line in lines if line and line[0] != "#"}


def test_every_contract_metric_is_rendered(metrics: Metrics) -> None:
    metrics.set_lag("pages.raw", 0, 5)

    missing = CONTRACT_METRICS - sample_names(metrics.render())

    assert set() == missing


def test_every_label_value_exists_at_zero_before_any_event(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    # Pre-initialised series let `increase()` see the first event and panels show 0.
    series = (
        [("stream_pages_total", {"outcome": o}) for o in PAGE_OUTCOMES]
        + [("stream_teasers_total", {"result": r}) for r in TEASER_RESULTS]
        + [("stream_dead_letters_total", {"reason": r}) for r in DEAD_LETTER_REASONS]
        + [("stream_stage_seconds_count", {"stage": s}) for s in STAGES]
        + [("stream_poison_pages_total", {"stage": s}) for s in STAGES]
    )

    expected = [0.0] * len(series)
    actual = [registry.get_sample_value(name, labels) for name, labels in series]
    assert expected == actual


def test_page_outcomes_count_parsed_and_dead_letters_by_reason(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    metrics.page_parsed()
    metrics.page_parsed()
    metrics.dead_letter("empty")

    expected = (2.0, 1.0, 1.0, 0.0)
    actual = (
        value(registry, "stream_pages_total", outcome="parsed"),
        value(registry, "stream_pages_total", outcome="dead_letter"),
        value(registry, "stream_dead_letters_total", reason="empty"),
        value(registry, "stream_dead_letters_total", reason="no_article"),
    )
    assert expected == actual


def test_unknown_dead_letter_reason_is_counted_as_other_not_as_a_new_series(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    metrics.dead_letter("something_new")

    expected = (1.0, None)
    actual = (
        value(registry, "stream_dead_letters_total", reason="other"),
        value(registry, "stream_dead_letters_total", reason="something_new"),
    )
    assert expected == actual


def test_bytes_in_add_up_page_sizes(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.page_in(1_000)
    metrics.page_in(234)

    expected = 1_234.0
    actual = value(registry, "stream_bytes_in_total")
    assert expected == actual


def test_teaser_results_count_each_sighting(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.teaser("unique", 3)
    metrics.teaser("repeat")
    metrics.teaser("near_duplicate")

    expected = [3.0, 1.0, 1.0]
    actual = [value(registry, "stream_teasers_total", result=r) for r in TEASER_RESULTS]
    assert expected == actual


def test_unknown_teaser_result_is_refused(metrics: Metrics) -> None:
    with pytest.raises(ValueError, match="unknown teaser result"):
        metrics.teaser("published")


def test_observe_stage_puts_the_block_duration_in_its_bucket(registry: CollectorRegistry) -> None:
    metrics = Metrics(registry, clock=FakeClock(10.0, 10.0 + 150e-6))

    with metrics.observe_stage("parse"):
        pass

    # 150 µs: above the 100 µs edge, within the 250 µs one; other stages untouched.
    expected = (0.0, 1.0, 1.0, 0.0)
    actual = (
        value(registry, "stream_stage_seconds_bucket", stage="parse", le="0.0001"),
        value(registry, "stream_stage_seconds_bucket", stage="parse", le="0.00025"),
        value(registry, "stream_stage_seconds_bucket", stage="parse", le="+Inf"),
        value(registry, "stream_stage_seconds_count", stage="dedup"),
    )
    assert expected == actual


def test_observe_stage_records_a_block_that_raises(registry: CollectorRegistry) -> None:
    metrics = Metrics(registry, clock=FakeClock(0.0, 0.25))

    with pytest.raises(RuntimeError), metrics.observe_stage("publish"):
        raise RuntimeError("broker gone")

    expected = (1.0, 0.25)
    actual = (
        value(registry, "stream_stage_seconds_count", stage="publish"),
        value(registry, "stream_stage_seconds_sum", stage="publish"),
    )
    assert expected == actual


def test_unknown_stage_is_refused(metrics: Metrics) -> None:
    with pytest.raises(ValueError, match="unknown stage"), metrics.observe_stage("prase"):
        pass


def test_stage_buckets_span_25_microseconds_to_2_5_seconds(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    metrics.stage_seconds.labels(stage="enrich").observe(20e-6)
    metrics.stage_seconds.labels(stage="enrich").observe(2.0)

    expected = (1.0, 1.0, 2.0)
    actual = (
        value(registry, "stream_stage_seconds_bucket", stage="enrich", le="2.5e-05"),
        value(registry, "stream_stage_seconds_bucket", stage="enrich", le="1.0"),
        value(registry, "stream_stage_seconds_bucket", stage="enrich", le="2.5"),
    )
    assert expected == actual


def test_end_to_end_buckets_and_clock_skew_counts_as_zero(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    metrics.observe_end_to_end(-3.0)
    metrics.observe_end_to_end(4.0)
    metrics.observe_end_to_end(90.0)

    expected = (1.0, 2.0, 2.0, 3.0, 94.0)
    actual = (
        value(registry, "stream_end_to_end_seconds_bucket", le="0.005"),
        value(registry, "stream_end_to_end_seconds_bucket", le="5.0"),
        value(registry, "stream_end_to_end_seconds_bucket", le="60.0"),
        value(registry, "stream_end_to_end_seconds_bucket", le="+Inf"),
        value(registry, "stream_end_to_end_seconds_sum"),
    )
    assert expected == actual


def test_set_lag_is_per_topic_and_partition_and_never_negative(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    metrics.set_lag("pages.raw", 3, 42)
    metrics.set_lag("teasers.sightings", 3, -1)

    expected = (42.0, 0.0)
    actual = (
        value(registry, "stream_consumer_lag", topic="pages.raw", partition="3"),
        value(registry, "stream_consumer_lag", topic="teasers.sightings", partition="3"),
    )
    assert expected == actual


def test_set_assignment_drops_the_lag_of_revoked_partitions(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    metrics.set_lag("pages.raw", 0, 7)
    metrics.set_lag("pages.raw", 1, 9)

    metrics.set_assignment([("pages.raw", 1), ("teasers.sightings", 1)])

    expected = (None, 9.0, 2.0)
    actual = (
        value(registry, "stream_consumer_lag", topic="pages.raw", partition="0"),
        value(registry, "stream_consumer_lag", topic="pages.raw", partition="1"),
        value(registry, "stream_assigned_partitions"),
    )
    assert expected == actual


def test_readiness_dedup_state_and_build_info(
    registry: CollectorRegistry, metrics: Metrics
) -> None:
    before = value(registry, "stream_worker_ready")
    metrics.set_ready(True)
    metrics.set_dedup_state_keys(1_500)

    expected = (0.0, 1.0, 1_500.0, 1.0)
    actual = (
        before,
        value(registry, "stream_worker_ready"),
        value(registry, "stream_dedup_state_keys"),
        value(registry, "stream_build_info", version="1.2.3"),
    )
    assert expected == actual


def test_process_metrics_can_be_left_out_for_a_registry_that_has_them() -> None:
    with_process = sample_names(Metrics(CollectorRegistry()).render())
    without = sample_names(Metrics(CollectorRegistry(), process_metrics=False).render())

    expected: tuple[bool, set[str]] = (True, set())
    actual = (
        "process_cpu_seconds_total" in with_process,
        {name for name in without if not name.startswith("stream_")},
    )
    assert expected == actual


# -- Reading the exposition back ---------------------------------------------------


def test_parse_exposition_keys_each_sample_as_its_line_reads(metrics: Metrics) -> None:
    metrics.page_parsed()
    metrics.set_lag("pages.raw", 3, 7)
    text = metrics.render().decode()
    # What the demo and the test helpers used to do by hand: `name{labels} value` lines.
    by_hand = {
        line.rpartition(" ")[0]: float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith("stream_")
    }

    parsed = parse_exposition(text, prefix="stream_")

    expected = (by_hand, 1.0, 7.0)
    actual = (
        parsed,
        parsed['stream_pages_total{outcome="parsed"}'],
        parsed['stream_consumer_lag{partition="3",topic="pages.raw"}'],
    )
    assert expected == actual


def test_parse_exposition_keeps_every_family_without_a_prefix_and_escapes_labels() -> None:
    text = (
        "# TYPE up gauge\n"
        "up 1\n"
        "# TYPE odd gauge\n"
        'odd{path="a\\\\b",say="\\"hi\\"",nl="x\\ny"} 2.5\n'
    )

    expected = {"up": 1.0, 'odd{path="a\\\\b",say="\\"hi\\"",nl="x\\ny"}': 2.5}
    assert parse_exposition(text) == expected
