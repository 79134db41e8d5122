"""`benchmarks/bench_pipeline.py --small --json` runs end to end and gets exact results,
on each broker of the integration lane (`--broker tansu|kafka`).

It starts its own embedded broker, pass-through and `stream run` workers, so it runs
as a subprocess, as a person runs it from the README. No timing is asserted (the
numbers depend on the machine and its load); what is pinned is that every figure of
the report is there and every correctness check of the harness passed, so the
benchmark cannot rot unnoticed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stream.testing.apache_kafka import missing_reason
from tests.integration.conftest import BROKERS

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_pipeline.py"
RUN_TIMEOUT_S = 300.0

SECTIONS = {
    "settings": {"pages", "unique_teasers", "partitions", "fetch_max_wait_ms", "store", "broker"},
    "machine": {"cpu_count", "load_average"},
    "passthrough": {"pages_per_s", "seconds", "repeats", "correct"},
    "pipeline": {
        "pages_per_s",
        "articles_read",
        "unique_teasers_read",
        "unique_teasers_expected",
        "article_repeats",
        "teaser_repeats",
        "dead_letters",
        "worker_cpu_us_per_page",
        "worker_rss_growth_bytes_per_teaser",
        "worker_stage_seconds",
        "correct",
    },
    "latency": {"offered_pages_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "correct"},
    "stages": {
        "process_page",
        "dedup",
        "enrich_per_page",
        "enrich_per_new_teaser",
        "codec",
        "parse_page_samples",
    },
    "memory": {"memory", "rocksdb"},
    "scale_out": {"workers", "pages_per_s", "unique_identical_to_one_worker", "correct"},
}


@pytest.fixture(scope="module", params=BROKERS)
def report(request: pytest.FixtureRequest) -> dict:
    if request.param == "kafka" and (reason := missing_reason()) is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run(
        [sys.executable, str(BENCH), "--small", "--json", "--broker", request.param],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"exit code {done.returncode}\n{done.stderr[-6000:]}"
    return json.loads(done.stdout)


def test_the_report_has_every_section_and_figure(report: dict) -> None:
    missing = {
        section: sorted(fields - set(report.get(section, {})))
        for section, fields in SECTIONS.items()
    }
    assert {k: v for k, v in missing.items() if v} == {}
    assert report["settings"]["broker"] in {"tansu", "kafka"}
    assert {"ratio", "rows", "checks", "correct"} <= set(report)
    for stage in ("parse", "dedup", "enrich", "publish"):
        assert report["pipeline"]["worker_stage_seconds"][stage]["observations"] > 0
    for store in ("memory", "rocksdb"):
        assert report["memory"][store]["bytes_per_teaser"] is not None


def test_every_measurement_produced_a_number(report: dict) -> None:
    assert [r["measurement"] for r in report["rows"] if r["value"] is None] == []
    assert report["ratio"] is not None


def test_every_correctness_check_passed(report: dict) -> None:
    failed = {name: c["problems"] for name, c in report["checks"].items() if not c["correct"]}
    assert failed == {}
    assert report["correct"] is True


def test_outputs_are_exact_one_worker_and_two(report: dict) -> None:
    b, s = report["pipeline"], report["scale_out"]
    assert b["articles_read"] == b["pages"] == report["settings"]["pages"]
    assert b["unique_teasers_read"] == b["unique_teasers_expected"]
    assert b["unique_teasers_expected"] == report["settings"]["unique_teasers"]
    assert b["dead_letters"] == 0
    assert s["unique_identical_to_one_worker"] is True
    assert s["workers"] == 2
