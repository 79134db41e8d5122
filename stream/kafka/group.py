"""A consumer group seen from outside: its members, committed offsets and end offsets.

Read-only, for `stream status`: nothing here joins the group or moves an offset.
Apache Kafka describes each member with its assignment; Tansu 0.6 lists the member
ids only (no host, no assignment), so the assignment may be None, and its end
offsets are under-reported (see `stream._faust.transport.true_end_offsets`), so
they can be read from the records instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from stream._faust.transport import true_end_offsets
from stream.kafka.connection import client_kwargs
from stream.settings import Settings
from stream.status import TP, Member

STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Group:
    group_id: str
    state: str
    members: list[Member]


def decode_assignment(data: bytes) -> dict[str, list[int]] | None:
    """A member's assignment as the broker holds it (the consumer protocol's bytes)."""
    if not data:
        return None
    assignment = ConsumerProtocolMemberAssignment.decode(data)
    return {topic: sorted(partitions) for topic, partitions in assignment.assignment}


async def describe(settings: Settings, bootstrap_servers: str) -> Group:
    admin = AIOKafkaAdminClient(
        **client_kwargs(settings, bootstrap_servers), client_id=f"{settings.app_id}-status"
    )
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([settings.app_id])
        (group,) = response.groups
        _error, group_id, state, _protocol_type, _protocol, members = group[:6]
        return Group(
            group_id=group_id,
            state=state,
            members=[
                Member(
                    member_id=m[0],
                    client_id=m[1],
                    host=m[2].lstrip("/"),
                    assigned=decode_assignment(m[-1]),
                )
                for m in members
            ],
        )
    finally:
        await admin.close()


async def offsets(
    settings: Settings, bootstrap_servers: str, tps: list[TP], *, read_true_end: bool
) -> tuple[dict[TP, int | None], dict[TP, int], dict[TP, int]]:
    """(committed, beginning, end) offsets of `tps` for the group. Committed offsets
    are fetched without joining (no subscription); with `read_true_end`, each end is
    read from the partition's last batch rather than trusted."""
    consumer = AIOKafkaConsumer(
        **client_kwargs(settings, bootstrap_servers),
        group_id=settings.app_id,
        enable_auto_commit=False,
    )
    try:
        await consumer.start()
        partitions = [TopicPartition(topic, p) for topic, p in tps]
        committed = {(tp.topic, tp.partition): await consumer.committed(tp) for tp in partitions}
        beginning = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        if read_true_end:
            end = await true_end_offsets(consumer, cast(Mapping[Any, int], end))
        return (
            committed,
            {(tp.topic, tp.partition): o for tp, o in beginning.items()},
            {(tp.topic, tp.partition): o for tp, o in end.items()},
        )
    finally:
        await asyncio.wait_for(consumer.stop(), STOP_TIMEOUT_S)
