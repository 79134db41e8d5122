"""Every expected failure of a command that talks to Kafka: one line, an exit code.

The real `stream` command per command and failure: an unreachable cluster (waited
for and retried, each attempt logged, then one line naming the address and the
setting), a bad setting (its STREAM_* variable and what is allowed), an unknown
topic, a missing file, and a broker lost in the middle of a command. A refused
login is `test_security_kafka.py`'s (exit 78).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from stream.kafka.embedded import EmbeddedBroker, free_port
from stream.settings import Settings
from stream.testing.apache_kafka import ApacheKafka
from stream.testing.workers import ChildProcess
from tests.conftest import SAMPLE_000
from tests.integration.cli_helpers import STREAM, one_line, start_broker, stream, user_env
from tests.integration.kafka_helpers import wait_for

COMMANDS = {
    "produce": ["produce", str(SAMPLE_000)],
    "tail": ["tail", "teasers.unique"],
    "run": ["run"],
}


def final_line(stderr: str, command: str) -> str:
    """The one `stream COMMAND:` line of a stderr that also holds log lines."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith(f"stream {command}:")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unreachable_cluster_is_retried_then_one_line(command: str) -> None:
    address = f"127.0.0.1:{free_port()}"
    env = user_env(
        bootstrap_servers=address, command_wait_s=2, broker_wait_s=2, web_port=free_port()
    )
    done = stream(*COMMANDS[command], env=env)
    assert done.returncode == 1, done.stderr
    line = final_line(done.stderr, command)
    setting = "STREAM_BROKER_WAIT_S" if command == "run" else "STREAM_COMMAND_WAIT_S"
    assert f"Kafka at {address} did not answer within 2 s ({setting})" in line
    assert "Check STREAM_BOOTSTRAP_SERVERS" in line
    attempts = [
        line
        for line in done.stderr.splitlines()
        if f"waiting for Kafka at {address} (attempt" in line
    ]
    assert len(attempts) >= 2, done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("command", [*sorted(COMMANDS), "broker"])
def test_a_bad_setting_names_its_variable_and_what_is_allowed(command: str) -> None:
    done = stream(*COMMANDS.get(command, [command]), env=user_env(partitions="abc"))
    assert done.returncode == 2
    assert one_line(done) == (
        f"stream {command}: invalid setting: STREAM_PARTITIONS='abc': must be an integer >= 1"
    )


def test_tail_of_an_unknown_topic_is_one_line(
    broker: EmbeddedBroker | ApacheKafka, settings: Settings
) -> None:
    env = user_env(bootstrap_servers=broker.bootstrap_servers)
    done = stream("tail", f"{settings.app_id}.no.such.topic", env=env)
    assert done.returncode == 1
    assert f"topic '{settings.app_id}.no.such.topic' does not exist" in final_line(
        done.stderr, "tail"
    )


@pytest.mark.parametrize("name", ["missing.txt", "empty-folder"])
def test_produce_of_a_missing_file_or_an_empty_folder_is_one_line(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / "empty-folder").mkdir()
    done = stream("produce", str(tmp_path / name), env=user_env(local_broker_port=free_port()))
    assert done.returncode == 1
    assert name in one_line(done)


def test_tail_that_loses_its_broker_ends_in_one_line(tmp_path: Path) -> None:
    env = user_env(local_broker_port=free_port(), command_wait_s=3)
    broker = start_broker(env, tmp_path)
    assert stream("produce", "-q", str(SAMPLE_000), env=env).returncode == 0  # the topics
    tail = ChildProcess.launch(
        "stream tail",
        [*STREAM, "tail", "pages.raw"],
        port=free_port(),
        ready_path="/",
        env=env,
        log_path=tmp_path / "tail.log",
    )
    try:
        # Tail reads from the end: a page counts once tail is there to print it.
        wait_for(lambda: _printed_a_page(tail, env), timeout=60, message=tail.log())
        broker.stop()
        assert tail.process.wait(60) == 1
    finally:
        tail.stop(strict=False)
        broker.stop(strict=False)
    assert tail.log_path is not None
    log = tail.log_path.read_text()
    line = final_line(log, "tail")
    assert "lost Kafka at 127.0.0.1:" in line
    assert "(STREAM_COMMAND_WAIT_S)" in line
    assert (
        "is the process that started the local broker (stream run or stream broker) still running?"
        in line
    )
    # aiokafka's ten lines a second are held back; ours say each attempt.
    assert "aiokafka" not in log, log
    assert "failed probes; exits after 3 s, STREAM_COMMAND_WAIT_S" in log


def _printed_a_page(tail: ChildProcess, env: dict[str, str]) -> bool:
    produced = stream("produce", "-q", str(SAMPLE_000), env=env)
    assert produced.returncode == 0, produced.stderr
    assert tail.log_path is not None
    return '"body":' in tail.log_path.read_text()


@pytest.mark.parametrize("command", ["run", "broker"])
def test_a_local_broker_port_taken_by_another_program_is_one_line(command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = stream(command, env=user_env(local_broker_port=port, web_port=free_port()))
    assert done.returncode == 1
    assert final_line(done.stderr, command) == (
        f"stream {command}: cannot start the local broker at 127.0.0.1:{port}: the port is "
        "taken by a program that does not answer as Kafka; stop it, or choose another port "
        "with STREAM_LOCAL_BROKER_PORT (the same for every command)"
    )
