"""The topics of `stream`, and how to make sure they exist.

Brokers that auto-create topics (Tansu does, with 4 partitions) would give
`pages.raw` whatever count they like if a producer wrote first; the dedup design
needs `teasers.sightings` to have exactly `STREAM_PARTITIONS`. So every entry
point (`run`, `produce`, `demo`) declares the topics before it reads or writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from stream.errors import ConfigError
from stream.kafka.connection import client_kwargs
from stream.settings import Settings

log = logging.getLogger(__name__)

# Kafka error code for "topic already exists": declaring is idempotent.
_TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    role: str


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


async def ensure_topics(settings: Settings, bootstrap_servers: str) -> list[str]:
    """Create the missing topics; returns the names it created."""
    admin = AIOKafkaAdminClient(
        **client_kwargs(settings, bootstrap_servers), client_id=f"{settings.app_id}-admin"
    )
    await admin.start()
    try:
        specs = topic_specs(settings)
        existing = set(await admin.list_topics())
        missing = [spec for spec in specs if spec.name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [NewTopic(s.name, s.partitions, settings.replication_factor) for s in missing]
        )
        created = []
        for name, code, message in _topic_errors(response):
            if code == 0:
                created.append(name)
            elif code != _TOPIC_ALREADY_EXISTS:
                raise ConfigError(f"could not create topic {name!r}: {message} (error {code})")
        log.info("created topics %s", ", ".join(created))
        return created
    finally:
        await admin.close()


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
