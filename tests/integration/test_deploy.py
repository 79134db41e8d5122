"""Tests of the deployment files: Dockerfile, docker-compose.yml and deploy/.

They hold the dashboard and the alerts to the metrics `stream.metrics` really
exports, and run the real validators (promtool, docker-compose) on the files. A
validator missing on a developer's machine skips its test; in CI (`CI` set) it fails.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from stream.kafka.topics import topic_specs
from stream.metrics import Metrics
from stream.settings import Settings
from tests.conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = REPO / "deploy" / "prometheus"
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "stream.json"

# What Prometheus adds to every scrape itself; everything else must come from Metrics.
SCRAPE_METRICS = {"up"}

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGES = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
# An identifier that is not a function call (`rate(`) is a metric name or a keyword.
_IDENTIFIER = re.compile(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (label names and functions left out)."""
    for pattern in (_STRING, _MATCHERS, _RANGES, _GROUPING):
        expr = pattern.sub(" ", expr)
    return {name for name in _IDENTIFIER.findall(expr) if name.lower() not in _KEYWORDS}


def tool(name: str) -> str:
    return require_tool(name, "docker-compose" if name == "docker-compose" else "prometheus")


def run(*args: str) -> tuple[int, str]:
    result = subprocess.run(
        args, cwd=REPO, capture_output=True, text=True, check=False, timeout=120
    )
    return result.returncode, result.stdout + result.stderr


def assert_succeeds(*args: str) -> None:
    returncode, output = run(*args)

    expected = 0
    actual = returncode
    assert expected == actual, output


@pytest.fixture(scope="module")
def exported() -> set[str]:
    """Every sample name a worker's /metrics carries, with _bucket/_sum/_count/_total."""
    metrics = Metrics(CollectorRegistry())
    # The only series that exists only once it has a value.
    metrics.set_lag("pages.raw", 0, 0)
    lines = metrics.render().decode().splitlines()
    return {line.split("{")[0].split(" ")[0] for line in lines if line and line[0] != "#"}


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def dashboard_exprs(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_exprs() -> list[str]:
    # alerts.yml keeps every expr on one line so that this needs no YAML parser.
    return re.findall(r"^\s+expr: (.+)$", (PROMETHEUS / "alerts.yml").read_text(), re.M)


def default(field: str) -> Any:
    # The default, not Settings(): that would read STREAM_* from the test's environment.
    return Settings.model_fields[field].default


# -- metric_names ---------------------------------------------------------------------


def test_metric_names_leaves_out_functions_labels_ranges_and_keywords() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, stage) (rate(stream_stage_seconds_bucket{job="x"}'
        "[5m]))) > 5 and on (stage) up offset 5m"
    )

    expected = {"stream_stage_seconds_bucket", "up"}
    actual = metric_names(expr)
    assert expected == actual


# -- Dashboard ------------------------------------------------------------------------


def test_every_dashboard_panel_has_a_query(dashboard: dict[str, Any]) -> None:
    expected: list[str] = []
    actual = [
        panel["title"]
        for panel in dashboard["panels"]
        if not panel.get("targets") or not all(t.get("expr") for t in panel["targets"])
    ]
    assert expected == actual


def test_every_dashboard_query_uses_only_metrics_the_worker_exports(
    dashboard: dict[str, Any], exported: set[str]
) -> None:
    used = {name for expr in dashboard_exprs(dashboard) for name in metric_names(expr)}

    expected: set[str] = set()
    actual = used - exported - SCRAPE_METRICS
    assert expected == actual


def test_dashboard_shows_every_contract_metric(dashboard: dict[str, Any]) -> None:
    contract = {
        "stream_pages_total",
        "stream_teasers_total",
        "stream_dead_letters_total",
        "stream_stage_seconds_bucket",
        "stream_end_to_end_seconds_bucket",
        "stream_consumer_lag",
        "stream_dedup_state_keys",
        "stream_worker_ready",
        "up",
    }
    used = {name for expr in dashboard_exprs(dashboard) for name in metric_names(expr)}

    expected: set[str] = set()
    actual = contract - used
    assert expected == actual


def test_every_dashboard_query_is_valid_promql(dashboard: dict[str, Any], tmp_path: Path) -> None:
    promtool = tool("promtool")
    # promtool parses PromQL only inside rules, so each query becomes a recording rule.
    rules = [
        {"record": f"dashboard:panel{panel['id']}_{target['refId']}", "expr": target["expr"]}
        for panel in dashboard["panels"]
        for target in panel["targets"]
    ]
    # JSON is YAML, so promtool reads this file as it is.
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}))

    assert_succeeds(promtool, "check", "rules", str(path))


def test_dashboard_panels_use_the_provisioned_datasource_and_unique_ids(
    dashboard: dict[str, Any],
) -> None:
    provisioned = (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text()
    uids = {
        ref["datasource"]["uid"]
        for panel in dashboard["panels"]
        for ref in (panel, *panel["targets"])
    }
    ids = [panel["id"] for panel in dashboard["panels"]]

    expected = ({"prometheus"}, True, len(ids))
    actual = (uids, "uid: prometheus" in provisioned, len(set(ids)))
    assert expected == actual


def test_grafana_loads_dashboards_from_where_compose_mounts_them() -> None:
    provider = (GRAFANA / "provisioning" / "dashboards" / "stream.yml").read_text()
    compose = (REPO / "docker-compose.yml").read_text()

    expected = (True, True, True)
    actual = (
        "path: /var/lib/grafana/dashboards" in provider,
        "./deploy/grafana/dashboards:/var/lib/grafana/dashboards" in compose,
        "./deploy/grafana/provisioning:/etc/grafana/provisioning" in compose,
    )
    assert expected == actual


# -- Prometheus -----------------------------------------------------------------------


def test_prometheus_config_is_valid() -> None:
    assert_succeeds(tool("promtool"), "check", "config", "deploy/prometheus/prometheus.yml")


def test_alert_rules_are_valid() -> None:
    assert_succeeds(tool("promtool"), "check", "rules", "deploy/prometheus/alerts.yml")


def test_alert_rules_fire_and_stay_quiet_as_their_unit_tests_say() -> None:
    assert_succeeds(tool("promtool"), "test", "rules", "deploy/prometheus/alerts.test.yml")


def test_alert_rules_use_only_metrics_the_worker_exports(exported: set[str]) -> None:
    text = (PROMETHEUS / "alerts.yml").read_text()
    exprs = alert_exprs()
    used = {name for expr in exprs for name in metric_names(expr)}

    # Same count: an expr written as a multi-line block would escape the check.
    expected: tuple[int, set[str]] = (text.count("- alert:"), set())
    actual = (len(exprs), used - exported - SCRAPE_METRICS)
    assert expected == actual


def test_every_alert_has_a_severity_a_summary_and_a_description() -> None:
    rules = (PROMETHEUS / "alerts.yml").read_text().split("- alert:")[1:]

    expected = [True] * len(rules)
    actual = [
        all(key in rule for key in ("severity:", "summary:", "description:")) for rule in rules
    ]
    assert expected == actual


def test_prometheus_scrapes_every_worker_replica_on_the_web_port() -> None:
    config = (PROMETHEUS / "prometheus.yml").read_text()

    expected = (True, True, True)
    actual = (
        "job_name: stream" in config,
        "names: [worker]" in config,
        f"port: {default('web_port')}" in config,
    )
    assert expected == actual


# -- docker-compose -------------------------------------------------------------------


def compose_service(rendered: str, name: str) -> str:
    """One service's block of `docker-compose config` output."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|  - .*\n)*)", rendered, re.M)
    assert match is not None, f"no service {name}"
    return match.group(1)


@pytest.fixture(scope="module")
def rendered_compose() -> str:
    returncode, output = run(tool("docker-compose"), "-f", "docker-compose.yml", "config")
    if returncode != 0:
        pytest.fail(output)
    return output


def test_compose_file_is_valid() -> None:
    assert_succeeds(tool("docker-compose"), "-f", "docker-compose.yml", "config", "-q")


def test_compose_worker_has_no_host_port_so_it_can_be_scaled(rendered_compose: str) -> None:
    worker = compose_service(rendered_compose, "worker")

    expected = (False, True, True)
    actual = (
        "ports:" in worker,
        "STREAM_BOOTSTRAP_SERVERS: kafka:9092" in worker,
        "condition: service_completed_successfully" in worker,
    )
    assert expected == actual


def test_compose_creates_every_topic_the_worker_declares_with_its_partitions() -> None:
    compose = (REPO / "docker-compose.yml").read_text()
    # model_construct: the defaults, without reading STREAM_* from the environment.
    settings = Settings.model_construct()
    # The topics service lists name:partitions, the default count as $$PARTITIONS.
    default_count = settings.partitions
    specs = [
        f"{spec.name}:{'$$PARTITIONS' if spec.partitions == default_count else spec.partitions}"
        for spec in topic_specs(settings)
    ]

    expected: list[str] = []
    actual = [spec for spec in specs if spec not in compose]
    assert expected == actual


def test_compose_images_are_pinned_to_exact_versions() -> None:
    images = re.findall(r"^\s+image: (\S+)$", (REPO / "docker-compose.yml").read_text(), re.M)
    # stream:local is the image compose builds from the Dockerfile.
    pulled = [image for image in images if image != "stream:local"]

    expected: list[str] = []
    actual = [image for image in pulled if not re.search(r":v?\d+\.\d+\.\d+$", image)]
    assert expected == actual
    assert len(pulled) >= 3


# -- Dockerfile -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = (REPO / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    parsed = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    return [(parts[0].upper(), parts[1] if len(parts) > 1 else "") for parts in parsed]


def args_of(instructions: list[tuple[str, str]], name: str) -> list[str]:
    return [args for instruction, args in instructions if instruction == name]


def test_dockerfile_base_images_are_pinned_to_an_exact_tag(
    instructions: list[tuple[str, str]],
) -> None:
    froms = [args.split()[0] for args in args_of(instructions, "FROM")]
    stages = {args.split()[-1] for args in args_of(instructions, "FROM") if " AS " in args.upper()}
    images = [image for image in froms if image not in stages]

    expected: list[str] = []
    actual = [image for image in images if not re.search(r":\d+\.\d+\.\d+[\w.-]*$", image)]
    assert expected == actual
    assert images != []


def test_dockerfile_runs_as_a_non_root_user(instructions: list[tuple[str, str]]) -> None:
    users = args_of(instructions, "USER")
    assert users != []

    expected = False
    actual = users[-1].split(":")[0] in {"root", "0"}
    assert expected == actual


def test_dockerfile_downloads_nothing_outside_pip(instructions: list[tuple[str, str]]) -> None:
    offending = [
        f"{instruction} {args}"
        for instruction, args in instructions
        if re.search(r"\b(curl|wget)\b", args) or (instruction == "ADD" and "://" in args)
    ]

    expected: list[str] = []
    actual = offending
    assert expected == actual


def test_dockerfile_installs_the_package_from_the_build_context(
    instructions: list[tuple[str, str]],
) -> None:
    copies = " ".join(args_of(instructions, "COPY"))
    runs = " ".join(args_of(instructions, "RUN"))

    expected = (True, True, True)
    actual = (
        "pyproject.toml" in copies,
        "stream ./stream" in copies,
        bool(re.search(r"pip install \"?\.\[rocksdb\]", runs)),
    )
    assert expected == actual


def test_dockerfile_runs_the_worker_on_the_web_port_with_a_health_check(
    instructions: list[tuple[str, str]],
) -> None:
    expected = (
        [str(default("web_port"))],
        ['["stream"]'],
        ['["run"]'],
        True,
    )
    actual = (
        args_of(instructions, "EXPOSE"),
        args_of(instructions, "ENTRYPOINT"),
        args_of(instructions, "CMD"),
        any("/healthz" in args for args in args_of(instructions, "HEALTHCHECK")),
    )
    assert expected == actual


def test_dockerignore_keeps_local_state_out_and_the_package_in() -> None:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}

    expected: tuple[set[str], set[str]] = (set(), set())
    actual = (
        {".git", ".venv", "**/__pycache__", ".pytest_cache", "state"} - ignored,
        {"stream", "pyproject.toml", "README.md"} & ignored,
    )
    assert expected == actual
