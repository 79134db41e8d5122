"""One Metadata request over a fresh aiokafka connection.

The clients' shared connections would hide a broker that stopped answering, and an
open port alone says nothing (a hung broker accepts connections), so the broker
watch asks each address itself, through aiokafka's connection and protocol classes.
"""

from __future__ import annotations

from typing import Any

from aiokafka.conn import create_conn
from aiokafka.protocol.metadata import MetadataRequest


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
