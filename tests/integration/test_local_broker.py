"""stream.cli.cluster: with no cluster set, every command finds the one local broker.

Real `stream` processes with STREAM_LOCAL_BROKER_PORT on a free port of the test's
own: `produce` refuses in one line when no broker runs (it never starts one that
would die with it), `stream broker` runs it where produce and tail find it, and
a second broker on the same port is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from stream.kafka.embedded import free_port
from stream.kafka.exits import EXIT_BROKER_LOST
from stream.settings import Settings
from stream.testing.workers import WorkerProcess
from tests.conftest import SAMPLE_000, SAMPLE_002
from tests.integration.cli_helpers import one_line, start_broker, stream, user_env


def test_produce_and_tail_refuse_in_one_line_when_no_local_broker_runs(tmp_path: Path) -> None:
    port = free_port()
    env = user_env(local_broker_port=port)
    for args in (["produce", str(SAMPLE_000)], ["tail", "teasers.unique", "-n", "1"]):
        done = stream(*args, env=env)
        assert done.returncode == 1, done
        message = one_line(done)
        assert f"no local broker answers at 127.0.0.1:{port}" in message
        assert "`stream broker`" in message
        assert "`stream run`" in message
        assert done.stdout == ""
    # Nothing was left listening: the refusal started no broker of its own.
    assert stream("produce", str(SAMPLE_000), env=env).returncode == 1


def test_produce_and_tail_use_the_broker_that_stream_broker_runs(tmp_path: Path) -> None:
    port = free_port()
    env = user_env(local_broker_port=port)
    broker = start_broker(env, tmp_path)
    try:
        assert f"local broker ready at 127.0.0.1:{port}" in broker.log()
        produced = stream("produce", "-q", str(SAMPLE_000), str(SAMPLE_002), env=env)
        assert produced.returncode == 0, produced.stderr
        assert "published 2 page(s)" in produced.stderr
        tailed = stream("tail", "pages.raw", "--from-beginning", "-n", "2", env=env)
        assert tailed.returncode == 0, tailed.stderr
        lines = tailed.stdout.splitlines()
        assert len(lines) == 2
        bodies = [json.loads(line)["body"] for line in lines]
        assert sorted(bodies) == sorted(p.read_text("utf-8") for p in (SAMPLE_000, SAMPLE_002))
        assert tailed.stderr.strip().endswith("2 record(s) from pages.raw")
        second = stream("broker", env=env, timeout=30)
        assert second.returncode == 1
        assert f"a broker already answers at 127.0.0.1:{port}" in one_line(second)
    finally:
        assert broker.stop() == 0, broker.log()
    # It stopped with its owner: produce refuses again instead of starting one.
    assert stream("produce", str(SAMPLE_000), env=env).returncode == 1


def test_a_worker_that_joined_sees_the_broker_lost_when_its_owner_exits(tmp_path: Path) -> None:
    """The process that started the local broker owns it: when that worker stops, the
    broker stops with it, and the worker that joined reports Kafka lost and exits
    with code 75 (a supervisor's restart), as it would on any cluster."""
    settings = Settings(local_broker_port=free_port(), broker_lost_exit_s=3)
    owner = WorkerProcess.start(settings, tmp_path, "owner")
    joined: WorkerProcess | None = None
    try:
        owner.wait_ready(60)
        owner.wait_log("started the local broker at")
        joined = WorkerProcess.start(settings, tmp_path, "joined")
        joined.wait_ready(60)
        joined.wait_log(f"joining the local broker at {settings.local_broker}")
        assert owner.stop() == 0, owner.log()
        assert joined.process.wait(60) == EXIT_BROKER_LOST, joined.log()
    finally:
        if joined is not None:
            joined.stop(strict=False)
        owner.stop(strict=False)
    assert f"exiting: Kafka at {settings.local_broker} unreachable" in joined.log()
    assert "Traceback" not in joined.log()
