"""Security against real listeners of Apache Kafka: SASL_PLAINTEXT (PLAIN), SSL, SASL_SSL.

One node serves all three beside its PLAINTEXT listener: a PLAIN login for the worker's
user (JAAS config of the listener), and a certificate signed by a throwaway CA made
with `openssl` in the test. A real `stream run` worker processes the sample pages
through each; with a wrong password, or a CA that did not sign the broker's
certificate, it exits at once with one line naming the cause and the setting to
fix, code 78 (EX_CONFIG), no traceback. The password shows in no log line (at
DEBUG), no page of the worker's web server and no record it published.

Without Java, the Kafka jars or openssl these tests skip; in CI (`CI` set) they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stream.errors import BrokerRefused
from stream.settings import Settings
from stream.testing.apache_kafka import (
    ApacheKafka,
    missing_reason,
    sasl_plain_listener,
    sasl_ssl_listener,
    ssl_listener,
)
from stream.testing.certificates import (
    Authority,
    certificate_authority,
    openssl_missing_reason,
    server_keystore,
)
from stream.testing.workers import WorkerProcess, worker_env
from tests.conftest import SAMPLE_000
from tests.integration.kafka_helpers import (
    assert_worker_processes_samples,
    isolated_settings,
    prepare,
    read_topic,
)

USER = "svc-stream"
SECRET = f"s3cr3t-{uuid.uuid4().hex}"
WRONG = f"wr0ng-{uuid.uuid4().hex}"
# A refused worker exits in about its start-up time; far less than STREAM_BROKER_WAIT_S.
REFUSAL_EXIT_S = 45.0


@dataclass(frozen=True)
class SecureKafka:
    kafka: ApacheKafka
    authority: Authority
    stranger: Authority  # a CA that signed nothing the broker serves


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureKafka]:
    reason = missing_reason() or openssl_missing_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("tls")
    authority = certificate_authority(folder, "stream-test-ca")
    stranger = certificate_authority(folder, "stranger-ca")
    keystore = server_keystore(folder, authority, "broker", ["127.0.0.1", "localhost"])
    sasl_plain = sasl_plain_listener({USER: SECRET})
    tls_only = ssl_listener(keystore.path, keystore.password)
    listeners = [sasl_plain, tls_only, sasl_ssl_listener(sasl_plain, tls_only)]
    with ApacheKafka(listeners=listeners) as kafka:
        yield SecureKafka(kafka, authority, stranger)


def secure_settings(
    secure: SecureKafka, tmp_path: Path, listener: str, **security: Any
) -> Settings:
    bootstrap = secure.kafka.bootstrap(listener)
    return isolated_settings(bootstrap, tmp_path / "state", tansu=False, **security)


def sasl(secure: SecureKafka, tmp_path: Path, password: str = SECRET) -> Settings:
    return secure_settings(
        secure,
        tmp_path,
        "SASL",
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_username=USER,
        sasl_password=password,
    )


def tls(secure: SecureKafka, tmp_path: Path, authority: Authority | None = None) -> Settings:
    trusted = authority or secure.authority
    return secure_settings(
        secure, tmp_path, "SSL", security_protocol="SSL", ssl_cafile=str(trusted.certificate)
    )


# -- The worker connects and processes pages -----------------------------------------


def sasl_over_tls(secure: SecureKafka, tmp_path: Path) -> Settings:
    return secure_settings(
        secure,
        tmp_path,
        "SASL_SSL",
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username=USER,
        sasl_password=SECRET,
        ssl_cafile=str(secure.authority.certificate),
    )


@pytest.mark.parametrize("listener", ["SASL", "SSL", "SASL_SSL"])
def test_worker_processes_pages_through_a_secured_listener_and_never_shows_the_password(
    secure_kafka: SecureKafka, tmp_path: Path, listener: str
) -> None:
    if listener == "SASL":
        settings = sasl(secure_kafka, tmp_path)
    elif listener == "SSL":
        # A password set but unused must stay hidden too.
        settings = tls(secure_kafka, tmp_path).model_copy(
            update={"sasl_username": USER, "sasl_password": SECRET}
        )
    else:
        settings = sasl_over_tls(secure_kafka, tmp_path)
    prepare(settings)
    worker = WorkerProcess.start(settings, tmp_path, f"worker-{listener}", log_level="DEBUG")
    try:
        worker.wait_ready()
        assert_worker_processes_samples(worker, settings)
        pages = {path: worker.get(path) for path in ("/metrics", "/healthz", "/readyz")}
        published = [
            record
            for topic in (settings.topic_articles, settings.topic_teasers, settings.topic_dlq)
            for record in asyncio.run(read_topic(settings, topic))
        ]
    finally:
        code = worker.stop()
    log = worker.log_path.read_text(errors="replace") if worker.log_path else ""

    assert code == 0, log[-4000:]
    assert " DEBUG " in log, "the worker logged at DEBUG"
    assert SECRET not in log
    for path, (status, body) in pages.items():
        assert status == 200, path
        assert SECRET.encode() not in body, path
    assert any(r.topic == settings.topic_dlq for r in published), "a dead letter was published"
    for record in published:
        assert SECRET.encode() not in (record.value or b""), record.topic
        assert all(SECRET.encode() not in value for _, value in record.headers), record.topic


# -- A refused worker exits at once, in one line --------------------------------------


@pytest.mark.parametrize(
    ("case", "cause"),
    [
        ("wrong password", "refused the SASL PLAIN login of user 'svc-stream'"),
        ("untrusted CA", "is not trusted (self-signed certificate in certificate chain)"),
    ],
)
def test_refused_worker_exits_at_once_with_one_line_naming_the_cause(
    secure_kafka: SecureKafka, tmp_path: Path, case: str, cause: str
) -> None:
    if case == "wrong password":
        settings, setting = sasl(secure_kafka, tmp_path, password=WRONG), "STREAM_SASL_PASSWORD"
    else:
        settings, setting = tls(secure_kafka, tmp_path, secure_kafka.stranger), "STREAM_SSL_CAFILE"
    started = time.monotonic()
    worker = WorkerProcess.start(settings, tmp_path, "refused", log_level="DEBUG")
    assert worker.process is not None
    try:
        code = worker.process.wait(REFUSAL_EXIT_S)
    finally:
        worker.stop(strict=False)
    took = time.monotonic() - started
    log = worker.log_path.read_text(errors="replace") if worker.log_path else ""

    assert code == BrokerRefused.exit_code, log[-4000:]
    assert took < REFUSAL_EXIT_S
    assert "Traceback" not in log, log[-4000:]
    errors = [line for line in log.splitlines() if line.startswith("stream run:")]
    assert len(errors) == 1, log[-4000:]
    assert cause in errors[0]
    assert setting in errors[0]
    assert f"Kafka at {settings.bootstrap_servers}" in errors[0]
    for password in (SECRET, WRONG):
        assert password not in log


def test_running_worker_exits_in_one_line_when_its_ca_file_stops_trusting_the_broker(
    secure_kafka: SecureKafka, tmp_path: Path
) -> None:
    # A mounted secret replaced under a running worker: its open connections still
    # work, but every new one (the broker watch's probe first) is refused.
    cafile = tmp_path / "ca.pem"
    shutil.copy(secure_kafka.authority.certificate, cafile)
    settings = tls(secure_kafka, tmp_path).model_copy(update={"ssl_cafile": str(cafile)})
    worker = WorkerProcess.start(settings, tmp_path, "rotated")
    assert worker.process is not None
    try:
        worker.wait_ready()
        shutil.copy(secure_kafka.stranger.certificate, cafile)
        code = worker.process.wait(REFUSAL_EXIT_S)
    finally:
        worker.stop(strict=False)
    log = worker.log_path.read_text(errors="replace") if worker.log_path else ""

    assert code == BrokerRefused.exit_code, log[-4000:]
    assert "Traceback" not in log, log[-4000:]
    exits = [line for line in log.splitlines() if "CRITICAL" in line]
    assert len(exits) == 1, log[-4000:]
    assert f"exiting: the TLS certificate of Kafka at {settings.bootstrap_servers}" in exits[0]
    assert f"STREAM_SSL_CAFILE={cafile}" in exits[0]


@pytest.mark.parametrize("args", [["produce", str(SAMPLE_000)], ["tail", "articles.parsed"]])
def test_commands_refused_by_the_broker_say_why_in_one_line(
    secure_kafka: SecureKafka, tmp_path: Path, args: list[str]
) -> None:
    # aiokafka's clients say only `Unable to bootstrap` when the login is refused.
    settings = sasl(secure_kafka, tmp_path, password=WRONG)
    done = subprocess.run(
        [sys.executable, "-m", "stream", *args],
        env=worker_env(settings),
        capture_output=True,
        text=True,
        timeout=REFUSAL_EXIT_S,
        check=False,
    )

    assert done.returncode == BrokerRefused.exit_code, done.stderr[-4000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    assert "Unclosed" not in done.stderr, done.stderr[-4000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith(f"stream {args[0]}:")]
    assert len(errors) == 1, done.stderr[-4000:]
    assert "refused the SASL PLAIN login of user 'svc-stream'" in errors[0]
    assert WRONG not in done.stderr + done.stdout
