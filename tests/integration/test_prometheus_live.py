"""The dashboard and the alerts against a real Prometheus scraping a real worker.

test_deploy.py checks that every query parses and names only exported metrics.
This test checks what that cannot: that each dashboard query returns data once a
worker has done some work. A real `stream run` worker on the embedded broker
processes the sample pages (twice, so teasers repeat) and one empty value (a
dead letter). The Debian `prometheus` server scrapes it every second and loads
deploy/prometheus/alerts.yml. Then every panel query must return at least one
sample, with no NaN quantile, and every alert rule must evaluate without error.
`promtool check metrics` lints the worker's real /metrics text.

The test skips when `prometheus` or `promtool` is missing, and fails instead
when `CI` is set.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from stream.kafka.embedded import free_port
from stream.settings import Settings
from stream.testing.workers import ChildProcess, WorkerProcess
from tests.conftest import require_tool
from tests.integration.kafka_helpers import accounted, prepare, produce, publish_samples, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "stream.json"
ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"

# Distinct teasers per sample page (pinned in test_parse and test_app).
TEASERS_000, TEASERS_002 = 101, 100
PAGES = 2 * 2 + 1  # both samples twice, plus one empty value
SIGHTINGS = 2 * (TEASERS_000 + TEASERS_002)
# The dashboard's rate windows are [1m]. At a 1 s scrape interval, 8 scrapes after
# the last page leave plenty of samples in each window, and the first page is still
# inside it.
SCRAPES_AFTER_WORK = 8
PROMETHEUS_TIMEOUT_S = 60.0
PROMETHEUS_READY_S = 30.0
PROCESS_TIMEOUT_S = 60.0
# Grafana's interval variables; a dashboard on a 1 s scrape reads 1m for each.
GRAFANA_INTERVALS = ("$__rate_interval", "$__interval", "$__range")


def tool(name: str) -> str:
    return require_tool(name, "prometheus")


# -- Dashboard and alert queries ------------------------------------------------------


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every panel, also those nested in rows."""
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def dashboard_queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every target, Grafana's interval variables set to 1m."""
    dashboard = json.loads(DASHBOARD.read_text())
    queries = []
    for panel in panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            expr = target["expr"]
            for variable in GRAFANA_INTERVALS:
                expr = expr.replace(variable, "1m")
            assert "$" not in expr, f"{panel['title']}: unhandled Grafana variable in {expr}"
            queries.append((panel["title"], expr))
    return queries


def alert_names() -> list[str]:
    # No YAML parser in the test dependencies; the rules themselves come from
    # Prometheus's /api/v1/rules, this only says which ones must be there.
    return re.findall(r"^\s*- alert: (\S+)\s*$", ALERTS.read_text(), re.M)


# -- Prometheus -----------------------------------------------------------------------


class Prometheus(ChildProcess):
    """A `prometheus` server process in tmp_path, and its HTTP API."""

    @classmethod
    def start(cls, binary: str, folder: Path, target: str) -> Prometheus:
        port = free_port()
        shutil.copy(ALERTS, folder / "alerts.yml")
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(folder / "alerts.yml")],
            "scrape_configs": [
                {
                    "job_name": "stream",
                    "metrics_path": "/metrics",
                    "static_configs": [{"targets": [target]}],
                }
            ],
        }
        # JSON is YAML, so Prometheus reads this file as it is.
        (folder / "prometheus.yml").write_text(json.dumps(config, indent=2))
        return cls.launch(
            "prometheus",
            [
                binary,
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            port=port,
            ready_path="/-/ready",
            log_path=folder / "prometheus.log",
            http_timeout=5.0,
        )

    def api(self, path: str, **params: str) -> dict[str, Any]:
        """The JSON answer of an API call; a 4xx (bad query) answers JSON too."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        _, body = self.get(f"/api/v1/{path}{query}")
        answer: dict[str, Any] = orjson.loads(body)
        return answer

    def query(self, expr: str) -> dict[str, Any]:
        return self.api("query", query=expr)

    def samples(self, expr: str) -> list[dict[str, Any]]:
        """The vector samples of a query that must succeed."""
        answer = self.query(expr)
        assert answer.get("status") == "success", f"{expr}: {answer}"
        result: list[dict[str, Any]] = answer["data"]["result"]
        return result


# -- Traffic --------------------------------------------------------------------------


def publish(settings: Settings) -> None:
    """Both sample pages twice (unique teasers, then repeats), and one empty value."""
    publish_samples(settings, repeat=2)
    asyncio.run(produce(settings, [(b"https://example.com/empty", b"", [])]))


def has_lag_series(worker: WorkerProcess) -> bool:
    # The lag gauge exists only once the worker's 5 s timer has set it.
    return any(name.startswith("stream_consumer_lag{") for name in worker.metrics())


def rule_health(prometheus: Prometheus) -> dict[str, dict[str, Any]]:
    """Every loaded alert rule by name, once each has been evaluated at least once."""
    answer = prometheus.api("rules", type="alert")
    assert answer.get("status") == "success", answer
    rules = {rule["name"]: rule for group in answer["data"]["groups"] for rule in group["rules"]}
    # An unevaluated rule's lastEvaluation is Go's zero time.
    evaluated = all(not r.get("lastEvaluation", "0001").startswith("0001") for r in rules.values())
    return rules if rules and evaluated else {}


def is_nan(sample: dict[str, Any]) -> bool:
    return math.isnan(float(sample["value"][1]))


# -- The test -------------------------------------------------------------------------


def test_every_dashboard_query_returns_data_and_every_alert_evaluates(
    settings: Settings, tmp_path: Path
) -> None:
    prometheus_bin, promtool = tool("prometheus"), tool("promtool")
    prepare(settings)
    worker = WorkerProcess.start(settings, tmp_path)
    try:
        prometheus = Prometheus.start(prometheus_bin, tmp_path, f"127.0.0.1:{worker.web_port}")
        try:
            prometheus.wait_ready(PROMETHEUS_READY_S)
            worker.wait_ready()
            # Scraped before any page, so the rate windows start from the zero counters.
            wait_for(
                lambda: prometheus.samples('up{job="stream"} == 1'),
                timeout=PROMETHEUS_TIMEOUT_S,
                message=f"prometheus never scraped the worker:\n{prometheus.log()}",
            )

            publish(settings)
            wait_for(
                lambda: accounted(worker) >= (PAGES, SIGHTINGS),
                timeout=PROCESS_TIMEOUT_S,
                message=f"{PAGES} pages, {SIGHTINGS} sightings; got {accounted(worker)}\n"
                f"{worker.log()}",
            )
            wait_for(
                lambda: has_lag_series(worker),
                timeout=15.0,
                message=f"no stream_consumer_lag series on /metrics:\n{worker.log()}",
            )
            done = time.monotonic()

            def scraped_enough() -> bool:
                window = max(1, math.ceil(time.monotonic() - done))
                scrapes = prometheus.samples(
                    f'count_over_time(up{{job="stream"}}[{window}s]) >= {SCRAPES_AFTER_WORK}'
                )
                return bool(scrapes) and bool(
                    prometheus.samples("sum(rate(stream_pages_total[1m])) > 0")
                )

            wait_for(
                scraped_enough,
                timeout=PROMETHEUS_TIMEOUT_S,
                message=f"{SCRAPES_AFTER_WORK} scrapes with a page rate > 0:\n{prometheus.log()}",
                interval=0.5,
            )

            # 3. Every panel query returns data; no quantile is NaN.
            results = {(title, expr): prometheus.query(expr) for title, expr in dashboard_queries()}
            rules = wait_for(
                lambda: rule_health(prometheus),
                timeout=15.0,
                message=f"alert rules never all evaluated:\n{prometheus.log()}",
            )
            alert_results = {name: prometheus.query(rule["query"]) for name, rule in rules.items()}

            # 4. The worker's real exposition, after traffic (lag series included).
            status, exposition = worker.get("/metrics")
            assert status == 200
            lint = subprocess.run(
                [promtool, "check", "metrics"],
                input=exposition,
                capture_output=True,
                timeout=30,
                check=False,
            )
        finally:
            prometheus.stop(timeout=10.0, strict=False)
    finally:
        worker_code = worker.stop()

    failing = {
        f"{title}: {expr}": answer
        for (title, expr), answer in results.items()
        if answer.get("status") != "success"
        or answer["data"]["resultType"] != "vector"
        or not answer["data"]["result"]
        or ("histogram_quantile" in expr and any(map(is_nan, answer["data"]["result"])))
    }
    assert failing == {}, orjson.dumps(failing, option=orjson.OPT_INDENT_2).decode()
    assert results, "the dashboard has no queries"

    assert sorted(rules) == sorted(alert_names())
    unhealthy = {
        name: (rule["health"], rule.get("lastError"))
        for name, rule in rules.items()
        if rule["health"] != "ok"
    }
    assert unhealthy == {}
    invalid = {name: a for name, a in alert_results.items() if a.get("status") != "success"}
    assert invalid == {}

    assert lint.returncode == 0, (lint.stdout + lint.stderr).decode(errors="replace")
    assert worker_code == 0, worker.log()
