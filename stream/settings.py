"""Every knob of `stream`, read from `STREAM_*` environment variables.

This is the only module that reads the environment. Everything else receives a
`Settings` instance, so tests build one with keyword arguments and never patch
`os.environ`. Secrets are `SecretStr`: they print as `**********` in logs,
`repr()`, error messages and `/metrics`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Tansu and Apache Kafka both default to ~1 MiB per message; a page above this cannot
# be re-published whole to the dead-letter topic, so it is refused up front.
DEFAULT_MAX_PAGE_BYTES = 1_000_000


class Settings(BaseSettings):
    """Configuration of a worker, a producer or the demo.

    `bootstrap_servers` unset means: start the embedded broker on loopback.
    """

    model_config = SettingsConfigDict(env_prefix="STREAM_", frozen=True, extra="ignore")

    # -- Kafka -------------------------------------------------------------------
    bootstrap_servers: str | None = None
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
    # Tansu's ListOffsets counts batches, not records (200 batched records report an
    # end offset of 1, measured), and faust's table recovery reads a changelog only up
    # to that end offset, so restored dedup state would miss keys. One record per
    # producer batch keeps end offsets exact there, at a throughput cost.
    # None: on exactly when `stream` starts the embedded broker itself.
    one_record_per_batch: bool | None = None
    # `stream run` started before its cluster waits this long for it (orchestrators
    # often start both at once), then exits with an error naming the address.
    broker_wait_s: float = Field(default=300.0, gt=0)
    # A running worker that cannot reach any broker for this long exits (code 75) so
    # that its supervisor restarts it and an operator sees it; until then it reports
    # not-ready and keeps retrying. Nothing is lost either way: offsets are committed
    # only after every output they cover is acknowledged.
    broker_lost_exit_s: float = Field(default=60.0, gt=0)

    # -- State -------------------------------------------------------------------
    store: str = "memory://"
    data_dir: str = "./state"
    dedup_retention_days: float = Field(default=30.0, gt=0)
    dedup_sweep_interval_s: float = Field(default=60.0, gt=0)

    # -- Input -------------------------------------------------------------------
    max_page_bytes: int = Field(default=DEFAULT_MAX_PAGE_BYTES, gt=0)
    # Dead letters keep the original value; beyond this it is cut with a marker so
    # that re-publishing a dead letter can never exceed the broker's message limit.
    max_dead_letter_value_bytes: int = Field(default=512_000, gt=0)

    # -- Enrichment --------------------------------------------------------------
    near_duplicate_threshold: float = Field(default=0.5, gt=0, le=1)

    # -- Web ---------------------------------------------------------------------
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=0, le=65535)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("bootstrap_servers")
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

    @property
    def dedup_retention_s(self) -> float:
        return self.dedup_retention_days * 86_400.0

    @property
    def uses_embedded_broker(self) -> bool:
        return self.bootstrap_servers is None
