"""The worker's metrics text passes Prometheus's own `promtool check metrics`."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from prometheus_client import CollectorRegistry

from stream.metrics import (
    Metrics,
)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> Metrics:
    return Metrics(registry, version="1.2.3")


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
