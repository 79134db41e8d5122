"""`stream status` as an operator runs it, against real workers on a real broker
(README, "stream status"): two workers in one group, then none.

The end offsets it shows are checked against the records counted by reading each
partition: on Tansu, which under-reports them for batched partitions, they must be
the true ends.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from stream.settings import Settings
from stream.testing.workers import running_worker, worker_env
from tests.integration.kafka_helpers import (
    prepare,
    publish_samples,
    read_topic,
    wait_for,
    wait_group_ready,
)

pytestmark = pytest.mark.integration


def status(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stream", "status", *args],
        env=worker_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def status_json(settings: Settings) -> dict[str, Any]:
    done = status(settings, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = orjson.loads(done.stdout)
    return data


def record_counts(settings: Settings) -> dict[tuple[str, int], int]:
    """Records per partition of the consumed topics, counted by reading them."""
    counts: Counter[tuple[str, int]] = Counter()
    for topic in (settings.topic_pages, settings.topic_sightings, settings.topic_fresh):
        for record in asyncio.run(read_topic(settings, topic)):
            counts[(record.topic, record.partition)] += 1
    return dict(counts)


def ends(data: dict[str, Any]) -> dict[tuple[str, int], int]:
    return {(p["topic"], p["partition"]): p["end"] for p in data["partitions"] if p["end"]}


def test_status_shows_the_members_their_partitions_readiness_and_lag(
    settings: Settings, tmp_path: Path
) -> None:
    prepare(settings)
    with (
        running_worker(settings, tmp_path, "one") as one,
        running_worker(settings, tmp_path, "two") as two,
    ):
        wait_group_ready([one, two])
        publish_samples(settings, repeat=5)
        data = wait_for(
            lambda: (
                (d := status_json(settings))["total_lag"] == 0
                and sum(p["end"] for p in d["partitions"] if p["topic"] == settings.topic_pages)
                == 10
                and d
            ),
            timeout=60,
            interval=1.0,
            message=f"10 pages consumed and committed\n{one.log()}\n{two.log()}",
        )
        table = status(settings)

    assert data["state"] == "Stable"
    members = data["members"]
    assert {m["url"] for m in members} == {one.base_url, two.base_url}
    assert [(m["ready"], m["readiness"]) for m in members] == [(True, "ready")] * 2
    owned = [(topic, p) for m in members for topic, ps in m["assigned"].items() for p in ps]
    every = [(p["topic"], p["partition"]) for p in data["partitions"]]
    assert sorted(owned) == sorted(every), "each partition owned by exactly one member"
    assert len(every) == 2 * settings.partitions + 1
    assert ends(data) == record_counts(settings)
    assert all(p["committed"] == p["end"] for p in data["partitions"] if p["end"])
    lines = table.stdout.splitlines()
    assert table.returncode == 0, table.stderr
    assert lines[0].startswith(f"group {settings.app_id}: Stable, 2 member(s), total lag 0")
    assert {line.split()[2] for line in lines[3:5]} == {one.base_url, two.base_url}

    # Both stopped: pages published now wait, and the lag says how many.
    publish_samples(settings, repeat=6)
    idle = status_json(settings)
    assert idle["members"] == []
    pages_lag = sum(p["lag"] for p in idle["partitions"] if p["topic"] == settings.topic_pages)
    assert pages_lag == 12
    assert ends(idle) == record_counts(settings)
    assert {w["url"] for w in idle["other_workers"]} == {one.base_url, two.base_url}
    assert all(w["readiness"].startswith("no answer") for w in idle["other_workers"])
    print(f"\n{table.stdout}\n{status(settings).stdout}")
