"""`benchmarks/bench_pipeline.py --quick --json` runs end to end and gets exact results,
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
    "passthrough_preloaded": {"pages_per_s", "process_cpu_us_per_page", "correct"},
    "passthrough_faust_preloaded": {"pages_per_s", "process_cpu_us_per_page", "correct"},
}
CURVE_POINT = {
    "state_teasers",
    "pages_per_s",
    "worker_cpu_us_per_page",
    "worker_rss_bytes",
    "ready_after_restart_s",
    "dedup_state_keys",
    "runs",
    "correct",
}


@pytest.fixture(scope="module", params=BROKERS)
def report(request: pytest.FixtureRequest) -> dict:
    if request.param == "kafka" and (reason := missing_reason()) is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", "--broker", request.param],
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
    top = {"ratio", "ratio_preloaded", "state_flatness", "state_flatness_cpu", "rows", "checks"}
    assert top | {"correct"} <= set(report)
    assert [sorted(CURVE_POINT - set(point)) for point in report["curve"]] == [[]] * 3
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


def test_the_curve_restarts_over_the_state_it_was_given(report: dict) -> None:
    # --quick: no state, then 1,000 and 5,000 teasers preloaded through the changelogs;
    # the window the feed's first pages show is among them, so it must not come out again.
    curve = report["curve"]
    assert [p["state_teasers"] for p in curve] == [0, 1000, 5000]
    fresh = curve[0]["unique_teasers_expected"]
    assert fresh == report["settings"]["unique_teasers"]
    for point in curve:
        assert point["unique_teasers_read"] == point["unique_teasers_expected"]
        assert point["article_repeats"] == point["teaser_repeats"] == 0
        # Measured in consecutive runs (three by default), which between them read
        # every output exactly once; the point is their median.
        runs = point["runs"]
        assert len(runs) == 3
        assert sum(r["pages"] for r in runs) == point["pages"]
        assert sum(r["unique_teasers_read"] for r in runs) == point["unique_teasers_read"]
        cpu = sorted(r["worker_cpu_us_per_page"] for r in runs)
        assert point["worker_cpu_us_per_page"] == cpu[1]
    for point in curve[1:]:
        assert point["unique_teasers_expected"] < fresh
        assert (
            point["dedup_state_keys"] == point["state_teasers"] + point["unique_teasers_expected"]
        )
