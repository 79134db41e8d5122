"""Read-outs of faust state that faust keeps no public getter for."""

from __future__ import annotations

from collections.abc import Callable
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


def table_reader(table: Any) -> Callable[[Any], Any]:
    """A read of one key of a single-partition table: its value, or None.

    Through the Table a read of a RocksDB table is two database gets (mode's
    `FastUserDict.__getitem__` tests `key in data` before it reads, because faust's
    Table has `__missing__`), each under several layers of faust and mode. The
    near-duplicate index reads a few records per new teaser, more as its state grows
    (issue 14); py-spy at a million teasers put the RocksDB get itself at ~12 % of a
    read through the Table.
    This reads partition 0's database once, with the key encoded and the value
    decoded by the store's own codec: the bytes faust's read would find, since its
    store puts each write straight into that database. faust's table sensors do not
    see these reads (`stream`'s metrics do not use them). Any other table or store,
    or a database closed by a rebalance: the Table's own `get`.
    """
    get: Callable[[Any], Any] = table.get
    if getattr(table, "partitions", None) != 1:  # a plain mapping (tests), or partitioned
        return get
    store = table.data
    if not isinstance(getattr(store, "_dbs", None), dict):
        return get
    encode, decode = store._encode_key, store._decode_value

    def read(key: Any) -> Any:
        db = store._dbs.get(0)
        if db is None:
            return table.get(key)
        raw = db.get(encode(key))
        return None if raw is None else decode(raw)

    return read
