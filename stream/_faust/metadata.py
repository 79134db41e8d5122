"""Requests over a fresh aiokafka connection: how many brokers, and what the broker is.

The clients' shared connections would hide a broker that stopped answering, and an
open port alone says nothing (a hung broker accepts connections), so the broker
watch asks each address itself, through aiokafka's connection and protocol classes.
`broker_facts` gives `stream.kafka.flavour` what tells Tansu from Apache Kafka.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.protocol.admin import ApiVersionRequest
from aiokafka.protocol.metadata import MetadataRequest


@dataclass(frozen=True, slots=True)
class BrokerFacts:
    """What one broker says of itself: its cluster id (None before Metadata v2) and
    the API keys its ApiVersions answer lists."""

    cluster_id: str | None
    api_keys: frozenset[int]


async def broker_count(
    host: str, port: int, *, client_id: str, request_timeout_ms: int, **connection: Any
) -> int:
    """How many brokers `host:port` lists in its answer to a Metadata request.

    `connection` is `stream.kafka.connection.client_kwargs` without the servers.
    """
    conn = await create_conn(
        host, port, client_id=client_id, request_timeout_ms=request_timeout_ms, **connection
    )
    try:
        metadata = await conn.send(MetadataRequest([]))
    finally:
        conn.close()
    return len(metadata.brokers)


async def broker_facts(
    host: str, port: int, *, client_id: str, request_timeout_ms: int, **connection: Any
) -> BrokerFacts:
    """The cluster id and API keys `host:port` answers with (`connection` as above)."""
    conn = await create_conn(
        host, port, client_id=client_id, request_timeout_ms=request_timeout_ms, **connection
    )
    try:
        versions = await conn.send(ApiVersionRequest())
        metadata = await conn.send(MetadataRequest([]))
    finally:
        conn.close()
    return BrokerFacts(
        cluster_id=getattr(metadata, "cluster_id", None),
        api_keys=frozenset(int(row[0]) for row in versions.api_versions),
    )
