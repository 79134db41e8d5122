"""Read-outs of faust state that faust keeps no public getter for."""

from __future__ import annotations

from typing import Any

from faust.types import TP


def committed_offset(consumer: Any, tp: TP) -> int | None:
    """The last offset the consumer committed for `tp` (None before its first commit)."""
    committed: int | None = consumer._committed_offset.get(tp)
    return committed


def tables_recovered(app: Any) -> bool:
    """True once the tables have been restored from their changelogs."""
    return bool(app.tables.recovery.completed.is_set())


def stored_keys(store: Any) -> int:
    """The keys a table's RocksDB store holds over all its partition databases.

    faust's `len()` counts only partitions its (unstarted) assignor calls active.
    """
    # An Rdict iterates over (key, value) pairs; `keys()` reads only the keys.
    return sum(sum(1 for _ in db.keys()) for db in store._dbs.values())  # noqa: SIM118


def member_id(app: Any) -> str | None:
    """This worker's member id in its consumer group (None before it has joined)."""
    consumer = app._consumer
    inner = None if consumer is None else consumer._thread._consumer
    coordinator = None if inner is None else inner._coordinator
    member: str | None = getattr(coordinator, "member_id", None)
    # aiokafka's JoinGroupRequest.UNKNOWN_MEMBER_ID is "": not joined yet.
    return member or None
