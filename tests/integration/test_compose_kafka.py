"""docker-compose.yml, run without Docker: its broker, its topics step, its worker.

The `kafka` service's environment becomes server.properties the way the
`apache/kafka` image makes it (`stream.testing.compose`), moved onto free local
ports and a temporary log dir, with the compose file's CLUSTER_ID; the real broker
starts with exactly that. The `topics` service's loop gives the topics and their
partition counts, created as it creates them (at its `--bootstrap-server`); then a
`stream run` worker with the `worker` service's environment (its broker address,
web port and data dir moved the same way) turns the sample pages into the articles
and unique teasers the in-process pipeline expects.

Without Java or the Kafka jars this skips; in CI (`CI` set) it fails.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from stream.kafka.connection import client_kwargs
from stream.kafka.embedded import free_port
from stream.kafka.topics import partitions_of
from stream.settings import Settings
from stream.testing import compose
from stream.testing.apache_kafka import ApacheKafka, missing_reason
from stream.testing.workers import WorkerProcess
from tests.integration.kafka_helpers import assert_worker_processes_samples

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
HOST = "127.0.0.1"


def topics_step(loaded: dict) -> tuple[str, dict[str, int], int]:
    """(bootstrap server, name -> partitions, replication factor) of the `topics` service."""
    command = compose.service(loaded, "topics")["command"]
    script = command if isinstance(command, str) else "\n".join(command)
    server = re.search(r"--bootstrap-server\s+(\S+)", script)
    replication = re.search(r"--replication-factor\s+(\d+)", script)
    assert server is not None, script
    assert replication is not None, script
    specs = compose.topic_specs(command, compose.environment(loaded, "topics"))
    return server[1], specs, int(replication[1])


async def create_topics(bootstrap: str, specs: dict[str, int], replication: int) -> None:
    admin = AIOKafkaAdminClient(**client_kwargs(Settings(), bootstrap))
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, count, replication) for name, count in specs.items()]
        )
    finally:
        await admin.close()


def worker_settings(loaded: dict, moved: dict[str, str], tmp_path: Path) -> Settings:
    """The `worker` service's environment, its addresses and paths moved to this machine."""
    env = compose.environment(loaded, "worker")
    env["STREAM_BOOTSTRAP_SERVERS"] = compose.localize_address(
        env["STREAM_BOOTSTRAP_SERVERS"], moved
    )
    env["STREAM_WEB_HOST"] = HOST
    env["STREAM_WEB_PORT"] = str(free_port())
    env["STREAM_DATA_DIR"] = str(tmp_path / "stream-state")
    return Settings(**{key.removeprefix("STREAM_").lower(): value for key, value in env.items()})


def test_compose_broker_topics_and_worker_run_the_pipeline(tmp_path: Path) -> None:
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    loaded = compose.load(COMPOSE)
    kafka_env = compose.environment(loaded, "kafka")
    properties, moved = compose.localize(
        compose.kafka_server_properties(kafka_env),
        host=HOST,
        log_dir=tmp_path / "kafka-data",
        free_port=free_port,
    )
    server, specs, replication = topics_step(loaded)
    bootstrap = compose.localize_address(server, moved)
    settings = worker_settings(loaded, moved, tmp_path)
    # What the worker talks to is what the topics step talks to: the PLAINTEXT listener.
    assert settings.bootstrap_servers == bootstrap
    assert settings.store == "rocksdb://"

    started = time.monotonic()
    kafka = ApacheKafka(
        config=properties,
        port=int(bootstrap.rpartition(":")[2]),
        cluster_id=compose.cluster_id(kafka_env),
    )
    with kafka:
        ready_s = time.monotonic() - started
        asyncio.run(create_topics(bootstrap, specs, replication))
        worker = WorkerProcess.start(settings, tmp_path, "compose-worker")
        try:
            worker.wait_ready(timeout=90)
            assert_worker_processes_samples(worker, settings)
            partitions = {
                name: len(asyncio.run(partitions_of(settings, bootstrap, name))) for name in specs
            }
        finally:
            code = worker.stop()
        log_text = kafka.tail_log(4000)
    assert code == 0, worker.log()
    assert partitions == specs, log_text
    assert ready_s < 60, f"the compose broker took {ready_s:.1f} s to be ready"
