"""A real Apache Kafka broker for tests and benchmarks: one KRaft node, no Docker.

The jars of `org.apache.kafka:kafka_2.13` (the version of docker-compose.yml's
image) are fetched by `mvn` from `tests/kafka/pom.xml` into `.cache/kafka/libs`
(`.ci/run` does it). `ApacheKafka` formats a fresh log dir and starts one combined
broker+controller node on free loopback ports with the compose `kafka` service's
settings (one node, replication factor 1 for internal topics, no initial rebalance
delay), and is ready only when a Metadata request lists the broker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from stream.errors import BrokerError
from stream.kafka.embedded import BrokerProcess, free_port

REPO = Path(__file__).resolve().parents[2]
LIBS = REPO / ".cache" / "kafka" / "libs"
READY_TIMEOUT_S = 60.0

_LOG4J2 = """Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
"""


def kafka_libs() -> Path | None:
    """The folder of the broker's jars (`$STREAM_KAFKA_LIBS`, else the cache), if fetched."""
    libs = Path(os.environ.get("STREAM_KAFKA_LIBS", LIBS))
    return libs if any(libs.glob("kafka_2.13-*.jar")) else None


def missing_reason() -> str | None:
    """Why Apache Kafka cannot start here, or None when it can."""
    if shutil.which("java") is None:
        return "java is not installed (apt-get install openjdk-17-jre-headless)"
    if kafka_libs() is None:
        return (
            f"the Apache Kafka jars are not in {LIBS} (mvn -q -B -f tests/kafka/pom.xml "
            "dependency:copy-dependencies -DincludeScope=runtime "
            f"-DoutputDirectory={LIBS})"
        )
    return None


@dataclass(frozen=True)
class Listener:
    """One more client listener of the node, beside its PLAINTEXT one (which the
    readiness probe and the inter-broker traffic keep using).

    `settings` are the listener's own properties, written under
    `listener.name.<name lowercased>.` (Kafka's per-listener prefix).
    """

    name: str
    protocol: str
    settings: Mapping[str, str] = field(default_factory=dict)


def sasl_plain_listener(users: Mapping[str, str], name: str = "SASL") -> Listener:
    """A SASL_PLAINTEXT listener taking the PLAIN logins `users` (user -> password)."""
    for user, password in users.items():
        if '"' in user + password or "\\" in user + password:
            raise ValueError(f"a JAAS value cannot hold a quote or a backslash: user {user!r}")
    logins = " ".join(f'user_{user}="{password}"' for user, password in users.items())
    return Listener(
        name,
        "SASL_PLAINTEXT",
        {
            "sasl.enabled.mechanisms": "PLAIN",
            "plain.sasl.jaas.config": (
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {logins};"
            ),
        },
    )


def ssl_listener(keystore: Path, password: str, name: str = "SSL") -> Listener:
    """An SSL listener serving the key and certificate chain of a PKCS12 `keystore`."""
    return Listener(
        name,
        "SSL",
        {
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(keystore),
            "ssl.keystore.password": password,
            "ssl.key.password": password,
            "ssl.client.auth": "none",
        },
    )


def sasl_ssl_listener(sasl: Listener, tls: Listener, name: str = "SASL_SSL") -> Listener:
    """A SASL_SSL listener: the logins of `sasl` over the TLS of `tls`."""
    return Listener(name, "SASL_SSL", {**sasl.settings, **tls.settings})


class ApacheKafka(BrokerProcess):
    """One KRaft node (`kafka.Kafka`) on loopback, stopped on `stop()` or leaving `with`.

    `extra` adds or overrides server properties; `listeners` adds client listeners
    (SASL, SSL) on ports of their own, each reached at `bootstrap(name)`. `config`
    replaces this class's server.properties as a whole (the compose file's, see
    `stream.testing.compose`): `port` must then be its PLAINTEXT listener's, which
    readiness asks; `cluster_id` is the id the log dir is formatted with.
    """

    name = "Apache Kafka"
    log_name = "kafka.log"
    stop_timeout_s = 20.0

    def __init__(
        self,
        extra: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        jvm_heap: str = "768m",
        listeners: Sequence[Listener] = (),
        *,
        config: Mapping[str, str] | None = None,
        port: int | None = None,
        cluster_id: str | None = None,
    ) -> None:
        if config is not None and (listeners or port is None):
            raise ValueError("a whole `config` takes its own listeners, and the `port` to probe")
        super().__init__(port=port, host=host)
        self.config = None if config is None else dict(config)
        self.cluster_id = cluster_id or uuid.uuid4().hex[:22]
        self.controller_port = free_port(host)
        self.extra = dict(extra or {})
        self.jvm_heap = jvm_heap
        self.listeners = list(listeners)
        self.listener_ports = {listener.name: free_port(host) for listener in listeners}

    def bootstrap(self, listener: str) -> str:
        """The address of the extra listener named `listener`."""
        return f"{self.host}:{self.listener_ports[listener]}"

    def properties(self) -> dict[str, str]:
        """The server.properties of this node."""
        assert self._dir is not None
        if self.config is not None:
            return {**self.config, **self.extra}
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{self.host}:{self.port},"
            f"CONTROLLER://{self.host}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self._dir / "data"),
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "num.partitions": "1",
            # Compaction runs often enough for a test to see it.
            "log.cleaner.backoff.ms": "500",
        }
        for listener in self.listeners:
            address = f"{listener.name}://{self.bootstrap(listener.name)}"
            props["listeners"] += f",{address}"
            props["advertised.listeners"] += f",{address}"
            props["listener.security.protocol.map"] += f",{listener.name}:{listener.protocol}"
            prefix = f"listener.name.{listener.name.lower()}."
            props.update({prefix + key: value for key, value in listener.settings.items()})
        props.update(self.extra)
        return props

    def _java(self, *args: str) -> list[str]:
        libs = kafka_libs()
        if libs is None or shutil.which("java") is None:
            raise BrokerError(f"Apache Kafka cannot start: {missing_reason()}")
        assert self._dir is not None
        return [
            "java",
            f"-Xmx{self.jvm_heap}",
            "-XX:+UseG1GC",
            f"-Dlog4j2.configurationFile={self._dir / 'log4j2.yaml'}",
            "-cp",
            f"{libs}/*",
            *args,
        ]

    def start(self, timeout: float = READY_TIMEOUT_S) -> Self:
        if self.running:
            return self
        self._dir = Path(tempfile.mkdtemp(prefix="stream-kafka-"))
        (self._dir / "log4j2.yaml").write_text(_LOG4J2)
        config = self._dir / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()))
        formatted = subprocess.run(
            self._java(
                "kafka.tools.StorageTool", "format", "-t", self.cluster_id, "-c", str(config)
            ),
            capture_output=True,
            timeout=120,
            check=False,
        )
        if formatted.returncode != 0:
            raise BrokerError(
                f"formatting the Kafka log dir failed: {formatted.stderr.decode()[-600:]}"
            )
        self._launch(self._java("kafka.Kafka", str(config)), timeout)
        return self
