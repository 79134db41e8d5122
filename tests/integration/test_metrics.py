"""Tests of `stream.metrics`: names, pre-initialised labels, buckets, exposition."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry

from stream.metrics import (
    Metrics,
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


def test_rendered_text_passes_promtool_check_metrics(metrics: Metrics) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        # CI installs promtool, so there a missing one is a broken job, not a skip.
        reason = "promtool not installed (apt-get install prometheus)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    metrics.page_parsed()
    metrics.set_lag("pages.raw", 0, 1)
    metrics.observe_end_to_end(0.5)

    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=metrics.render(),
        capture_output=True,
        check=False,
        timeout=30,
    )

    expected = (0, b"")
    actual = (result.returncode, result.stdout + result.stderr)
    assert expected == actual


# -- Reading the exposition back ---------------------------------------------------
