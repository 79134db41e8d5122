"""The topics of `stream`, and how to make sure they exist.

Brokers that auto-create topics (Tansu does, with 4 partitions) would give
`pages.raw` whatever count they like if a producer wrote first; the dedup design
needs `teasers.sightings` to have exactly `STREAM_PARTITIONS`. So every entry
point (`run`, `produce`, `demo`) declares the topics before it reads or writes.

`stream run` also declares the changelog topics of its faust tables, and waits
until the broker's metadata lists every partition of what it created: faust
checks a table's changelog against its source topic on the first event, and on
Apache Kafka a changelog faust created itself a moment before the group joined
was still missing from the consumer's metadata (0 partitions: `PartitionsMismatch`,
the worker exited on its first near-duplicate lookup, seen with the compose file's
settings).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from stream.errors import ConfigError
from stream.kafka.connection import client_kwargs
from stream.settings import Settings

log = logging.getLogger(__name__)

# Kafka error code for "topic already exists": declaring is idempotent.
_TOPIC_ALREADY_EXISTS = 36


# Names of the worker's faust tables (stream.kafka.worker); faust names each
# table's changelog topic `<app id>-<table>-changelog`.
SEEN_TABLE = "teasers-seen"
INDEX_TABLE = "teasers-index"
# faust's table changelogs keep the last value of each key.
_COMPACTED = {"cleanup.policy": "compact"}
# How long a created topic may take to show all its partitions in the metadata.
VISIBLE_WITHIN_S = 30.0


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    role: str
    config: dict[str, str] = field(default_factory=dict)


def topic_specs(settings: Settings) -> list[TopicSpec]:
    n = settings.partitions
    return [
        TopicSpec(settings.topic_pages, n, "input: raw pages from crawlers"),
        TopicSpec(settings.topic_articles, n, "output: one article per page"),
        TopicSpec(settings.topic_teasers, n, "output: first sighting of each teaser"),
        TopicSpec(settings.topic_dlq, n, "output: inputs that could not be parsed"),
        TopicSpec(settings.topic_sightings, n, "internal: sightings keyed by teaser id"),
        # One partition: near-duplicate detection needs one global index, and only
        # first sightings (a small fraction of the traffic) pass through it.
        TopicSpec(settings.topic_fresh, 1, "internal: first sightings to enrich"),
    ]


def changelog_topic(settings: Settings, table: str) -> str:
    return f"{settings.app_id}-{table}-changelog"


def changelog_specs(settings: Settings) -> list[TopicSpec]:
    """The changelog topics of the worker's tables, as faust would create them."""
    return [
        TopicSpec(
            changelog_topic(settings, SEEN_TABLE),
            settings.partitions,
            "state: teaser id -> first seen (dedup)",
            _COMPACTED,
        ),
        TopicSpec(
            changelog_topic(settings, INDEX_TABLE),
            1,
            "state: near-duplicate index and known people",
            _COMPACTED,
        ),
    ]


def attempts_topic(settings: Settings) -> str:
    """Failed attempts of poison pages (`stream.poison`), keyed by page position."""
    return f"{settings.app_id}-page-attempts"


def state_specs(settings: Settings) -> list[TopicSpec]:
    """The worker's own state topics: its tables' changelogs and the attempt counts."""
    return [
        *changelog_specs(settings),
        # Partition p holds the attempts of pages.raw partition p (modulo its count), so
        # a worker reads one small partition when a page fails, and nothing otherwise.
        TopicSpec(
            attempts_topic(settings),
            settings.partitions,
            "state: failed attempts of pages a stage raised on (poison pages)",
            _COMPACTED,
        ),
        workers_spec(settings),
    ]


def workers_spec(settings: Settings) -> TopicSpec:
    """Where each worker announces its web address when it starts, for `stream status`
    (the group's own metadata carries none on Tansu)."""
    return TopicSpec(
        f"{settings.app_id}-workers",
        1,
        "state: the web address of each worker, by address (stream status)",
        _COMPACTED,
    )


def replay_log_spec(settings: Settings) -> TopicSpec:
    """The dead letters `stream dlq replay` has replayed, by id (`stream.dlq`)."""
    return TopicSpec(
        f"{settings.app_id}-dlq-replays",
        1,
        "state: ids of the dead letters replayed to the pages topic",
        _COMPACTED,
    )


async def ensure_topics(
    settings: Settings, bootstrap_servers: str, *, changelogs: bool = False
) -> list[str]:
    """Create the missing topics (with `changelogs`, the worker's state topics too); returns the
    names it created, once the cluster's metadata lists all their partitions."""
    specs = topic_specs(settings) + (state_specs(settings) if changelogs else [])
    return await ensure_specs(settings, bootstrap_servers, specs)


async def ensure_specs(
    settings: Settings, bootstrap_servers: str, specs: list[TopicSpec]
) -> list[str]:
    """Create those of `specs` that are missing, as `ensure_topics` does."""
    admin = AIOKafkaAdminClient(
        **client_kwargs(settings, bootstrap_servers), client_id=f"{settings.app_id}-admin"
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in specs if spec.name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [
                NewTopic(s.name, s.partitions, settings.replication_factor, topic_configs=s.config)
                for s in missing
            ]
        )
        created = []
        for name, code, message in _topic_errors(response):
            if code == 0:
                created.append(name)
            elif code != _TOPIC_ALREADY_EXISTS:
                raise ConfigError(f"could not create topic {name!r}: {message} (error {code})")
        log.info("created topics %s", ", ".join(created))
        await _wait_visible(admin, [s for s in missing if s.name in created])
        return created
    finally:
        await admin.close()


async def _wait_visible(
    admin: AIOKafkaAdminClient, specs: list[TopicSpec], within_s: float = VISIBLE_WITHIN_S
) -> None:
    """Until the metadata lists every partition of `specs`, each with a leader."""
    deadline = time.monotonic() + within_s
    waiting = {spec.name: spec.partitions for spec in specs}
    while waiting:
        for described in await admin.describe_topics(list(waiting)):
            led = [p for p in described.get("partitions") or [] if p.get("leader", -1) >= 0]
            if described.get("error_code", 0) == 0 and len(led) == waiting[described["topic"]]:
                del waiting[described["topic"]]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise ConfigError(
                f"topics {sorted(waiting)} were created but their partitions are not in the "
                f"cluster's metadata after {within_s:.0f} s; check the brokers' logs"
            )
        await asyncio.sleep(0.1)


async def partitions_of(settings: Settings, bootstrap_servers: str, topic: str) -> list[int]:
    """The partition numbers of an existing topic, for a reader that assigns them all.

    Asked of the cluster, not of a consumer's metadata: a consumer tracks only the
    topics it subscribed to, so on Apache Kafka (unlike Tansu, which answers every
    metadata request with every topic) a group-less reader found no partitions.
    """
    admin = AIOKafkaAdminClient(
        **client_kwargs(settings, bootstrap_servers), client_id=f"{settings.app_id}-admin"
    )
    await admin.start()
    try:
        # Listed first: a metadata request naming a missing topic makes some
        # brokers (Tansu among them) create it with their default partition count.
        if topic not in set(await admin.list_topics()):
            raise ConfigError(
                f"topic {topic!r} does not exist on {bootstrap_servers}; "
                "start the worker (it declares its topics) or check the topic name"
            )
        (described,) = await admin.describe_topics([topic])
        return sorted(p["partition"] for p in described["partitions"])
    finally:
        await admin.close()


def _topic_errors(response: Any) -> list[tuple[str, int, str | None]]:
    rows = response.topic_errors
    return [(row[0], row[1], row[2] if len(row) > 2 else None) for row in rows]
