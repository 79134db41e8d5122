"""docker-compose.yml read the way its containers see it, for a test without Docker.

- `load` parses the file and interpolates `${VAR:-default}` as compose does.
- `kafka_server_properties` turns the `kafka` service's environment into the
  server.properties the `apache/kafka` image writes from it (its `configureDefaults`,
  `configure` and `utility render-properties` steps).
- `topic_specs` reads the partition counts the one-shot `topics` service creates.
- `localize` moves a broker's listeners, controller voters and log dirs onto free
  local ports and a local folder, and says where each compose address went, so
  that a worker's `STREAM_BOOTSTRAP_SERVERS` can follow (`localize_address`).

Pure functions over plain data: tests/unit/test_compose.py checks them, and
tests/integration/test_compose_kafka.py starts the broker and a worker with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from stream.errors import ConfigError

# The image's defaults (docker/resources/common-scripts/configureDefaults), exported
# for each variable the container's environment leaves unset or empty, unless it
# runs with ZooKeeper.
IMAGE_DEFAULTS = {
    "CLUSTER_ID": "5L6g3nShT-eMCtK--X86sw",
    "KAFKA_NODE_ID": "1",
    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": (
        "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"
    ),
    "KAFKA_LISTENERS": (
        "PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:9092"
    ),
    "KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:9092",
    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
    "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
    "KAFKA_PROCESS_ROLES": "broker,controller",
    "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:29093",
    "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
    "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
    "KAFKA_LOG_DIRS": "/tmp/kraft-combined-logs",
}
# KAFKA_* variables the image passes to the JVM or its scripts, not to server.properties
# (docker/resources/common-scripts/kafka-propertiesSpec.json).
IMAGE_EXCLUDES = frozenset(
    {
        "KAFKA_VERSION",
        "KAFKA_HEAP_OPT",
        "KAFKA_LOG4J_OPTS",
        "KAFKA_OPTS",
        "KAFKA_JMX_OPTS",
        "KAFKA_JVM_PERFORMANCE_OPTS",
        "KAFKA_GC_LOG_OPTS",
        "KAFKA_LOG4J_ROOT_LOGLEVEL",
        "KAFKA_LOG4J_LOGGERS",
        "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    }
)

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
# One underscore between two other characters is a dot; Go's regexp and Python's
# re both take non-overlapping matches from the left, so `A_B_C` gives `A.B_C`
# in both, as in the image.
_SINGLE_UNDERSCORE = re.compile(r"[^_]_[^_]")
_LISTENER = re.compile(r"^(?P<name>[A-Za-z0-9_]+)://(?P<host>\[[^\]]*\]|[^:]*):(?P<port>\d+)$")


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}` as
    compose expands them in the file's values."""

    def expand(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        value, op = env.get(name), match["op"]
        if op is None:
            return value or ""
        unset = value is None or (op.startswith(":") and value == "")
        if op.endswith("-"):
            return str(match["arg"]) if unset else str(value)
        if unset:
            raise ConfigError(f"${{{name}}} is required: {match['arg']}")
        return str(value)

    return _VARIABLE.sub(expand, text)


def _interpolated(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [_interpolated(item, env) for item in node]
    if isinstance(node, dict):
        return {key: _interpolated(value, env) for key, value in node.items()}
    return node


def load(path: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The compose file with YAML anchors resolved and variables expanded from `env`
    (none set: every default applies)."""
    loaded: dict[str, Any] = _interpolated(yaml.safe_load(path.read_text()), env or {})
    return loaded


def service(compose: Mapping[str, Any], name: str) -> dict[str, Any]:
    services = compose.get("services") or {}
    if name not in services:
        raise ConfigError(f"the compose file has no service {name!r} (has: {sorted(services)})")
    found: dict[str, Any] = services[name]
    return found


def environment(compose: Mapping[str, Any], name: str) -> dict[str, str]:
    """A service's `environment:` (a mapping or a list of `K=V`) as strings; a variable
    without a value (taken from the host by compose) is left out."""
    env = service(compose, name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: _scalar(value) for key, value in env.items() if value is not None}


def _scalar(value: Any) -> str:
    # YAML's 1 and true are compose's "1" and "true".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def property_name(variable: str) -> str:
    """`KAFKA_`-less variable name as the image's property name: `_` is `.`, `__` is
    `_`, `___` is `-`, all lower case (`utility.go`, ConvertKey)."""
    dotted = _SINGLE_UNDERSCORE.sub(lambda m: m.group().replace("_", "."), variable)
    return dotted.replace("___", "-").replace("__", "_").lower()


def image_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The container's environment after the image's start-up scripts filled it in."""
    full = dict(env)
    if not full.get("KAFKA_ZOOKEEPER_CONNECT"):
        for key, default in IMAGE_DEFAULTS.items():
            if not full.get(key):
                full[key] = default
    # `configure`: the listeners, when unset, are the advertised ones on 0.0.0.0.
    if (
        not full.get("KAFKA_LISTENERS")
        and full.get("KAFKA_PROCESS_ROLES") != "controller"
        and full.get("KAFKA_ADVERTISED_LISTENERS")
    ):
        full["KAFKA_LISTENERS"] = re.sub(
            r"://[^:]*:", "://0.0.0.0:", full["KAFKA_ADVERTISED_LISTENERS"]
        )
    return full


def kafka_server_properties(env: Mapping[str, str]) -> dict[str, str]:
    """The server.properties the `apache/kafka` image writes for a container with
    environment `env` (its own `KAFKA_*` variables, the defaults filled in)."""
    return {
        property_name(key.removeprefix("KAFKA_")): value
        for key, value in image_environment(env).items()
        if key.startswith("KAFKA_") and key not in IMAGE_EXCLUDES
    }


def cluster_id(env: Mapping[str, str]) -> str:
    """The id the image formats its log dir with."""
    return image_environment(env)["CLUSTER_ID"]


_FOR_SPECS = re.compile(r"\bfor\s+(?P<var>\w+)\s+in\s+(?P<specs>.*?);\s*do\b", re.S)


def topic_specs(command: str | list[str], env: Mapping[str, str]) -> dict[str, int]:
    """name -> partitions of the topics the `topics` service's shell loop creates.

    The loop runs `kafka-topics.sh --create --topic "${spec%:*}" --partitions
    "${spec##*:}"` over `name:count` words; a command of another shape is refused
    rather than guessed at.
    """
    script = command if isinstance(command, str) else "\n".join(command)
    loop = _FOR_SPECS.search(script)
    if loop is None:
        raise ConfigError(f"no `for spec in name:partitions ...; do` loop in {script!r}")
    var = loop["var"]
    for flag in (f'--topic "${{{var}%:*}}"', f'--partitions "${{{var}##*:}}"'):
        if flag not in script:
            raise ConfigError(f"the topics loop no longer passes {flag}: {script!r}")
    words = loop["specs"].replace("\\\n", " ").split()
    specs = {}
    for word in words:
        name, _, count = interpolate(word, env).rpartition(":")
        if not name or not count.isdigit():
            raise ConfigError(f"topic spec {word!r} is not name:partitions")
        specs[name] = int(count)
    return specs


def _listeners(value: str) -> list[tuple[str, str, int]]:
    parsed = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        match = _LISTENER.match(item)
        if match is None:
            raise ConfigError(f"listener {item!r} is not NAME://host:port")
        parsed.append((match["name"], match["host"], int(match["port"])))
    return parsed


def localize(
    properties: Mapping[str, str],
    *,
    host: str,
    log_dir: Path,
    free_port: Callable[[], int],
) -> tuple[dict[str, str], dict[str, str]]:
    """(properties, addresses): every listener on `host` and a port of `free_port()`,
    advertised there, the controller voters too, the log dirs under `log_dir`; and
    what each advertised or voter address (`kafka:9092`) became (`127.0.0.1:40123`)."""
    props = dict(properties)
    listeners = _listeners(props.get("listeners", ""))
    ports = {name: free_port() for name, _, _ in listeners}
    by_port = {port: name for name, _, port in listeners}
    props["listeners"] = ",".join(f"{name}://{host}:{ports[name]}" for name, _, _ in listeners)
    moved: dict[str, str] = {}
    advertised = []
    for name, old_host, old_port in _listeners(props.get("advertised.listeners", "")):
        if name not in ports:
            raise ConfigError(f"advertised listener {name} is not among the listeners")
        moved[f"{old_host}:{old_port}"] = f"{host}:{ports[name]}"
        advertised.append(f"{name}://{host}:{ports[name]}")
    if advertised:
        props["advertised.listeners"] = ",".join(advertised)
    voters = []
    for voter in filter(None, props.get("controller.quorum.voters", "").split(",")):
        node, _, address = voter.partition("@")
        voter_port = int(address.rpartition(":")[2])
        if voter_port not in by_port:
            raise ConfigError(f"controller voter {voter!r} is on no listener's port")
        moved[address] = f"{host}:{ports[by_port[voter_port]]}"
        voters.append(f"{node}@{moved[address]}")
    if voters:
        props["controller.quorum.voters"] = ",".join(voters)
    for key in ("log.dirs", "log.dir", "metadata.log.dir"):
        if key in props:
            dirs = props[key].split(",")
            props[key] = ",".join(
                str(log_dir if len(dirs) == 1 else log_dir / str(i)) for i in range(len(dirs))
            )
    return props, moved


def localize_address(servers: str, moved: Mapping[str, str]) -> str:
    """`STREAM_BOOTSTRAP_SERVERS` of a compose service, pointed where `localize` moved
    the broker."""
    out = []
    for address in filter(None, (part.strip() for part in servers.split(","))):
        if address not in moved:
            raise ConfigError(f"{address} is no address of the compose broker ({sorted(moved)})")
        out.append(moved[address])
    return ",".join(out)
