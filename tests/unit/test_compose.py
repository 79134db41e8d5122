"""stream.testing.compose: docker-compose.yml as its containers see it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from stream.errors import ConfigError
from stream.kafka.topics import topic_specs as worker_topic_specs
from stream.settings import Settings
from stream.testing import compose

REPO = Path(__file__).resolve().parents[2]

# -- interpolation ---------------------------------------------------------------------


ENV = {"N": "3", "E": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${N:-8}", "3"),
        ("${U:-8}", "8"),
        ("${E:-8}", "8"),  # `:-` also replaces an empty value
        ("${E-8}", ""),  # `-` replaces only an unset one
        ("${U-8}", "8"),
        ("$N/${N}", "3/3"),
        ("${U}", ""),
        ("$$N and $${spec%:*}", "$N and ${spec%:*}"),
    ],
)
def test_interpolate_expands_like_compose(text: str, expected: str) -> None:
    assert compose.interpolate(text, ENV) == expected


def test_interpolate_refuses_a_required_variable_left_unset() -> None:
    with pytest.raises(ConfigError, match=r"\$\{PW\} is required: set it"):
        compose.interpolate("${PW:?set it}", {})


# -- the image's conversion ------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("NODE_ID", "node.id"),
        ("OFFSETS_TOPIC_REPLICATION_FACTOR", "offsets.topic.replication.factor"),
        ("LISTENER_NAME_INTERNAL_SSL_KEYSTORE__TYPE", "listener.name.internal.ssl.keystore_type"),
        ("LISTENER_NAME_SASL___X_PLAIN", "listener.name.sasl-x.plain"),
        ("CONFLUENT__SUPPORT", "confluent_support"),
        # Non-overlapping matches from the left, as Go's regexp takes them in the image.
        ("A_B_C", "a.b_c"),
    ],
)
def test_property_name_follows_the_image_rules(variable: str, expected: str) -> None:
    assert compose.property_name(variable) == expected


def test_server_properties_take_kafka_variables_and_leave_out_jvm_options() -> None:
    env = {
        "KAFKA_NODE_ID": "7",
        "KAFKA_LISTENERS": "PLAINTEXT://:9092",
        "KAFKA_HEAP_OPT": "-Xmx1G",
        "KAFKA_OPTS": "-Djava.security.auth.login.config=/x",
        "CLUSTER_ID": "abc",
        "PATH": "/bin",
    }

    props = compose.kafka_server_properties(env)

    assert props["node.id"] == "7"
    assert props["listeners"] == "PLAINTEXT://:9092"
    assert not {"heap.opt", "opts", "cluster.id", "path"} & set(props)
    # What the compose file left unset comes from the image's defaults.
    assert props["process.roles"] == "broker,controller"
    assert props["log.dirs"] == "/tmp/kraft-combined-logs"
    assert compose.cluster_id(env) == "abc"


def test_listeners_left_unset_are_the_image_defaults_then_the_advertised_ones() -> None:
    # `run` fills in the defaults (KRaft) before `configure` would derive the listeners
    # from the advertised ones, which therefore happens only without them (ZooKeeper).
    advertised = {"KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://kafka:9092,HOST://localhost:29092"}
    kraft = compose.kafka_server_properties({**advertised, "KAFKA_LISTENERS": ""})
    zookeeper = compose.kafka_server_properties({**advertised, "KAFKA_ZOOKEEPER_CONNECT": "z:2181"})

    assert kraft["listeners"] == compose.IMAGE_DEFAULTS["KAFKA_LISTENERS"]
    assert zookeeper["listeners"] == "PLAINTEXT://0.0.0.0:9092,HOST://0.0.0.0:29092"
    assert "node.id" not in zookeeper


# -- topics ----------------------------------------------------------------------------

TOPICS_SCRIPT = """set -e
for spec in a.raw:$PARTITIONS b.fresh:1 \\
    c.out:$PARTITIONS; do
  kafka-topics.sh --create --topic "${spec%:*}" --partitions "${spec##*:}"
done
"""


def test_topic_specs_read_the_loop_with_the_service_environment() -> None:
    specs = compose.topic_specs([TOPICS_SCRIPT], {"PARTITIONS": "6"})
    assert specs == {"a.raw": 6, "b.fresh": 1, "c.out": 6}


def test_topic_specs_refuse_a_loop_whose_command_changed_shape() -> None:
    with pytest.raises(ConfigError, match="no longer passes --partitions"):
        compose.topic_specs(TOPICS_SCRIPT.replace('"${spec##*:}"', "3"), {"PARTITIONS": "6"})
    with pytest.raises(ConfigError, match="no `for spec in"):
        compose.topic_specs("kafka-topics.sh --create --topic x", {})


# -- moving the broker onto local ports ------------------------------------------------


def test_localize_moves_listeners_voters_and_log_dirs_and_says_where() -> None:
    props = {
        "listeners": "PLAINTEXT://:9092,CONTROLLER://:9093,HOST://:29092",
        "advertised.listeners": "PLAINTEXT://kafka:9092,HOST://localhost:29092",
        "controller.quorum.voters": "1@kafka:9093",
        "log.dirs": "/var/lib/kafka/data",
        "num.partitions": "8",
    }
    ports = itertools.count(41000)

    local, moved = compose.localize(
        props, host="127.0.0.1", log_dir=Path("/tmp/k"), free_port=lambda: next(ports)
    )

    assert local == {
        "listeners": (
            "PLAINTEXT://127.0.0.1:41000,CONTROLLER://127.0.0.1:41001,HOST://127.0.0.1:41002"
        ),
        "advertised.listeners": "PLAINTEXT://127.0.0.1:41000,HOST://127.0.0.1:41002",
        "controller.quorum.voters": "1@127.0.0.1:41001",
        "log.dirs": "/tmp/k",
        "num.partitions": "8",
    }
    assert moved == {
        "kafka:9092": "127.0.0.1:41000",
        "localhost:29092": "127.0.0.1:41002",
        "kafka:9093": "127.0.0.1:41001",
    }
    assert compose.localize_address("kafka:9092", moved) == "127.0.0.1:41000"
    with pytest.raises(ConfigError, match="kafka:1 is no address of the compose broker"):
        compose.localize_address("kafka:1", moved)


# -- the repository's compose file -----------------------------------------------------


def test_the_compose_kafka_service_becomes_the_server_properties_of_one_kraft_node() -> None:
    loaded = compose.load(REPO / "docker-compose.yml")
    props = compose.kafka_server_properties(compose.environment(loaded, "kafka"))

    assert props["process.roles"] == "broker,controller"
    assert props["num.partitions"] == "8"  # `*partitions`, ${STREAM_PARTITIONS:-8}
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["controller.listener.names"] == "CONTROLLER"


def test_the_compose_topics_step_creates_what_the_worker_declares() -> None:
    loaded = compose.load(REPO / "docker-compose.yml", {"STREAM_PARTITIONS": "5"})
    topics = compose.service(loaded, "topics")
    specs = compose.topic_specs(topics["command"], compose.environment(loaded, "topics"))

    worker = compose.environment(loaded, "worker")
    settings = Settings(partitions=int(worker["STREAM_PARTITIONS"]))
    assert specs == {spec.name: spec.partitions for spec in worker_topic_specs(settings)}
    assert specs["pages.raw"] == 5
