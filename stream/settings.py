"""Every knob of `stream`, read from `STREAM_*` environment variables.

This is the only module that reads the environment. Everything else receives a
`Settings` instance, so tests build one with keyword arguments and never patch
`os.environ`. Secrets are `SecretStr`: they print as `**********` in logs,
`repr()`, error messages and `/metrics`.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

import annotated_types
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

# Tansu and Apache Kafka both default to ~1 MiB per message; a page above this cannot
# be re-published whole to the dead-letter topic, so it is refused up front.
DEFAULT_MAX_PAGE_BYTES = 1_000_000


# The local broker's port when STREAM_LOCAL_BROKER_PORT is unset: Kafka's 9092 moved
# to a number that neither a Kafka on this machine (9092), the compose file's host
# listener (29092) nor Linux's ephemeral range (32768-60999) hands out.
DEFAULT_LOCAL_BROKER_PORT = 19192


class Settings(BaseSettings):
    """Configuration of a worker, a producer or the demo.

    `bootstrap_servers` unset means: the local embedded broker on loopback, at
    `local_broker_port`, which `stream run` (or `stream broker`) starts.
    """

    model_config = SettingsConfigDict(env_prefix="STREAM_", frozen=True, extra="ignore")

    # -- Kafka -------------------------------------------------------------------
    bootstrap_servers: str | None = None
    # Where every command finds the local broker when no cluster is set: `stream run`
    # joins the one listening here or starts it; produce, tail and a second run use it.
    local_broker_port: int = Field(default=DEFAULT_LOCAL_BROKER_PORT, ge=1, le=65535)
    app_id: str = "stream"
    topic_pages: str = "pages.raw"
    topic_articles: str = "articles.parsed"
    topic_teasers: str = "teasers.unique"
    topic_dlq: str = "pages.dlq"
    # Internal topic: a page's teaser sightings re-keyed so that one teaser id always
    # lands in one partition, which makes dedup exact with any number of workers.
    topic_sightings: str = "teasers.sightings"
    # Internal topic, one partition: first sightings on their way to enrichment and
    # near-duplicate detection, which need one global view.
    topic_fresh: str = "teasers.fresh"
    partitions: int = Field(default=8, ge=1)
    replication_factor: int = Field(default=1, ge=1)

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    # Measured against Tansu: faust's defaults take ~32 s to get partitions; a 6 s
    # session timeout brings it to ~4.4 s without evicting a briefly busy agent.
    session_timeout_s: float = Field(default=6.0, gt=0)
    heartbeat_interval_s: float = Field(default=1.0, gt=0)
    rebalance_timeout_s: float = Field(default=10.0, gt=0)
    commit_interval_s: float = Field(default=1.0, gt=0)
    processing_guarantee: Literal["at_least_once", "exactly_once"] = "at_least_once"
    # Tansu's ListOffsets reports the base offset of a partition's last record batch
    # + 1 (three batches of 200 records: 401, not 600), and faust recovers a table
    # only up to that offset, so restored dedup state would miss keys. When on, a
    # worker reads the true end of each changelog partition before recovering
    # (`stream._faust.transport`). None: on exactly when the broker answers as Tansu
    # (`stream.kafka.flavour`).
    verify_end_offsets: bool | None = None
    # The longest a consumer fetch waits for data. Apache Kafka answers a fetch as
    # soon as any of its partitions has data, so there this only bounds idle polling;
    # Tansu answers a fetch over several partitions only when the wait runs out, so
    # every hop of the pipeline adds all of it (faust's fixed 1.5 s made pages take
    # 4.4 s end to end). None: 10 ms when the broker answers as Tansu, else 500 ms.
    fetch_max_wait_ms: int | None = Field(default=None, ge=0, le=60_000)
    # `stream run` started before its cluster waits this long for it (orchestrators
    # often start both at once), then exits with an error naming the address.
    broker_wait_s: float = Field(default=300.0, gt=0)
    # The same wait for the commands a person types (produce, tail, status, dlq):
    # long enough to ride out a broker restart, short enough for a typo in the address.
    command_wait_s: float = Field(default=20.0, gt=0)
    # A running worker that cannot reach any broker for this long exits (code 75) so
    # that its supervisor restarts it and an operator sees it; until then it reports
    # not-ready and keeps retrying. Nothing is lost either way: offsets are committed
    # only after every output they cover is acknowledged.
    broker_lost_exit_s: float = Field(default=60.0, gt=0)

    # -- State -------------------------------------------------------------------
    store: str = "memory://"
    data_dir: str = "./state"
    dedup_retention_days: float = Field(default=30.0, gt=0)
    # How often each partition's sweep of expired dedup ids starts. A sweep reads every
    # key the worker holds (8 partitions over 1M teasers: 4.2 s CPU, measured), so every
    # minute it cost 7 % of a core at 1M teasers, a cost that grew with the state; every
    # hour it is 0.1 %, and an id outlives a 30-day retention by an hour at most.
    dedup_sweep_interval_s: float = Field(default=3_600.0, gt=0)

    # -- Throughput ----------------------------------------------------------------
    # Pages are processed in groups of up to this many, or whatever arrived within
    # `page_batch_wait_ms`: a group's sightings leave as one message per partition
    # of `teasers.sightings` instead of one per page. The wait is added latency at
    # low load only; under load groups fill at once.
    page_batch_size: int = Field(default=200, ge=1)
    page_batch_wait_ms: int = Field(default=10, ge=0)
    # How long the producer holds a batch open for more records: throughput under
    # load against latency per hop (three hops from a page to its teasers).
    producer_linger_ms: float = Field(default=5.0, ge=0)
    # Teaser ids each worker remembers having sent on for dedup, so the ~100
    # teasers a site repeats on every page cost no message (0: off). ~150 bytes each.
    forward_cache_teasers: int = Field(default=100_000, ge=0)

    # -- Input -------------------------------------------------------------------
    max_page_bytes: int = Field(default=DEFAULT_MAX_PAGE_BYTES, gt=0)
    # Dead letters keep the original value; beyond this it is cut with a marker so
    # that re-publishing a dead letter can never exceed the broker's message limit.
    max_dead_letter_value_bytes: int = Field(default=512_000, gt=0)

    # A page our own code raises on (a bug, not bad input) is tried this many times,
    # the worker restarting in between (exit 70), then becomes a dead letter with
    # reason `internal_error` so that its partition goes on. The count is kept in
    # Kafka (`<app id>-page-attempts`), so it survives the restarts.
    poison_attempts: int = Field(default=3, ge=1, le=100)
    # Tests only: a page whose value contains this text raises in the parse stage
    # (`stream.testing.faults`). Unset, as in production, nothing is checked at all.
    test_fault_marker: str | None = Field(default=None, min_length=8)

    # -- Enrichment --------------------------------------------------------------
    near_duplicate_threshold: float = Field(default=0.5, gt=0, le=1)

    # -- Web ---------------------------------------------------------------------
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=0, le=65535)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("processing_guarantee")
    @classmethod
    def _only_guarantees_that_hold(cls, value: str) -> str:
        # Measured on Apache Kafka 4.1 (README, "Processing guarantees"): faust 0.15
        # puts each output in the transaction of the partition it is *sent to*, not
        # of the input it came from, so after a SIGKILL a read_committed reader saw
        # every in-flight article twice and no unique teaser at all (their
        # transactions never commit). Offering the setting would promise what fails.
        if value == "exactly_once":
            raise ValueError(
                "exactly_once is refused: faust 0.15's transactions do not cover this "
                "pipeline's repartitioned outputs (measured: repeats and outputs never "
                "committed on Apache Kafka); use at_least_once, whose repeats carry "
                "the same ids (stream.client.subscribe(..., dedupe=True) drops them)"
            )
        return value

    @field_validator("bootstrap_servers", "test_fault_marker", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        # `STREAM_BOOTSTRAP_SERVERS=` in a compose file means "not configured".
        return value or None

    def as_environment(self) -> dict[str, str]:
        """These settings as `STREAM_*` variables, for a child `stream run` process.

        Secrets are unwrapped here on purpose: the environment is how the child
        receives them; nothing here is logged.
        """
        env: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            env[f"STREAM_{name.upper()}"] = str(value)
        return env

    def for_broker(self, *, tansu: bool) -> Settings:
        """These settings with every automatic (None) choice made for the broker in use.

        Tansu needs exact end offsets and short fetch waits (see the fields above);
        `stream.kafka.flavour.broker_is_tansu` says which broker answers.
        """
        choices = {
            "verify_end_offsets": tansu,
            "fetch_max_wait_ms": 10 if tansu else 500,
        }
        return self.model_copy(
            update={name: value for name, value in choices.items() if getattr(self, name) is None}
        )

    @property
    def dedup_retention_s(self) -> float:
        return self.dedup_retention_days * 86_400.0

    @property
    def uses_embedded_broker(self) -> bool:
        return self.bootstrap_servers is None

    @property
    def local_broker(self) -> str:
        """The local broker's address: where every command looks when no cluster is set."""
        return f"127.0.0.1:{self.local_broker_port}"


def invalid_settings_message(error: ValidationError) -> str:
    """pydantic's refusal of the environment as one line a person can act on: each
    bad `STREAM_*` variable, the value it had (never a secret's) and what is allowed."""
    problems = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        field = Settings.model_fields.get(name)
        variable = f"STREAM_{name.upper()}" if name else "STREAM_*"
        if field is None:
            problems.append(f"{variable}: {item['msg']}")
            continue
        secret = SecretStr in _types_of(field.annotation)
        shown = "(hidden)" if secret else repr(item.get("input"))
        if item["type"] == "value_error":  # one of our own validators: its sentence
            allowed = str(item["ctx"]["error"])
        else:
            allowed = f"must be {_allowed(field)}"
        problems.append(f"{variable}={shown}: {allowed}")
    return "invalid setting: " + "; ".join(problems)


def _types_of(annotation: Any) -> list[Any]:
    """The types of an annotation, `X | None` unpacked (None left out)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [t for t in typing.get_args(annotation) if t is not type(None)]
    return [annotation]


_KIND = {int: "an integer", float: "a number", bool: "true or false", str: "text"}
_BOUNDS = {
    annotated_types.Ge: (">=", "ge"),
    annotated_types.Gt: (">", "gt"),
    annotated_types.Le: ("<=", "le"),
    annotated_types.Lt: ("<", "lt"),
}


def _allowed(field: FieldInfo) -> str:
    """What a field accepts, in words: `an integer >= 1`, `one of 'A', 'B'`."""
    (kind, *_) = _types_of(field.annotation) or [str]
    if typing.get_origin(kind) is Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(kind))
    words = _KIND.get(kind, getattr(kind, "__name__", str(kind)))
    bounds = [
        f"{sign} {getattr(bound, attribute)}"
        for bound in field.metadata
        for cls, (sign, attribute) in _BOUNDS.items()
        if isinstance(bound, cls)
    ]
    return " ".join([words, " and ".join(bounds)]) if bounds else words
