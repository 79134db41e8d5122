"""Typed consumption of `stream`'s output topics, for Python users.

`subscribe(topic)` returns a `Subscription`: an async context manager that yields
each record as its pydantic model (`Article`, `Teaser`, `DeadLetter`, chosen by
the topic) wrapped in `Received` with its Kafka position. Delivery is at least
once, so `dedupe=True` drops a record whose id was seen recently (a bounded LRU),
and offsets are committed only when the caller says so (`await sub.commit(item)`
after its own side effects), never behind its back unless `auto_commit=True`.
Records are read tolerantly (unknown fields ignored) so a consumer built against
an older `stream` keeps working when optional fields are added. A record that
does not match its model raises `InvalidRecord` by default, because dropping data
silently is what this service promises never to do; `on_invalid="skip"` logs a
warning and counts it in `Subscription.skipped` instead. A complete program is
`examples/print_new_teasers.py`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar, overload

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import BaseModel, ValidationError

from stream.errors import ConfigError, InvalidRecord
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import partitions_of
from stream.models import OUTPUTS, OutputRecord
from stream.settings import Settings

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

OnInvalid = Literal["raise", "skip"]

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
COMMIT_TIMEOUT_S = 30.0

# The deterministic id of each output record: the same record delivered twice
# carries the same id, which is what makes dedupe by id correct.
_ID_FIELDS: tuple[tuple[type[BaseModel], str], ...] = tuple(
    (output.model, output.id_field) for output in OUTPUTS
)


@dataclass(frozen=True, slots=True)
class Received(Generic[M]):
    """One record and where it came from; pass it to `Subscription.commit`."""

    record: M
    topic: str
    partition: int
    offset: int
    key: str | None
    timestamp: dt.datetime | None = None


class RecentIds:
    """The last `capacity` ids seen, least recently seen evicted first."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ConfigError(f"dedupe_capacity must be at least 1, not {capacity}")
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def seen(self, record_id: str) -> bool:
        """True if `record_id` was seen before; remembers it either way."""
        if record_id in self._ids:
            # A repeat is the likeliest id to repeat again (a replayed batch).
            self._ids.move_to_end(record_id)
            return True
        self._ids[record_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return False


def model_for_topic(topic: str, settings: Settings) -> type[OutputRecord]:
    """The model of an output topic, by the topic names in `settings`."""
    models: dict[str, type[OutputRecord]] = {
        getattr(settings, output.topic_setting): output.model for output in OUTPUTS
    }
    try:
        return models[topic]
    except KeyError:
        raise ConfigError(
            f"topic {topic!r} is not an output topic of stream ({', '.join(models)}); "
            "pass model= to read it"
        ) from None


def _id_field(model: type[BaseModel]) -> str:
    for base, field in _ID_FIELDS:
        if issubclass(model, base):
            return field
    raise ConfigError(f"dedupe needs a record with an id; {model.__name__} has none")


class Subscription(Generic[M]):
    """A consumer of one topic yielding `Received[M]`; use it as `async with`."""

    def __init__(
        self,
        topic: str,
        *,
        model: type[M],
        settings: Settings,
        bootstrap_servers: str,
        group: str | None = None,
        dedupe: bool = False,
        dedupe_capacity: int = 100_000,
        from_beginning: bool = True,
        auto_commit: bool = False,
        on_invalid: OnInvalid = "raise",
    ) -> None:
        if on_invalid not in ("raise", "skip"):
            raise ConfigError(f"on_invalid must be 'raise' or 'skip', not {on_invalid!r}")
        if auto_commit and group is None:
            raise ConfigError("auto_commit needs a consumer group (group=...)")
        self.topic = topic
        self.model = model
        self.group = group
        self.settings = settings
        self.bootstrap_servers = bootstrap_servers
        self.from_beginning = from_beginning
        self.auto_commit = auto_commit
        self.on_invalid = on_invalid
        self._id_field = _id_field(model) if dedupe else None
        self._recent = RecentIds(dedupe_capacity) if dedupe else None
        self._consumer: AIOKafkaConsumer | None = None
        #: Records yielded, repeats dropped by dedupe, invalid records skipped.
        self.received = 0
        self.duplicates = 0
        self.skipped = 0

    # -- Lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> Subscription[M]:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._consumer is not None:
            raise RuntimeError("this subscription is already started")
        consumer = AIOKafkaConsumer(**self._consumer_kwargs())
        try:
            await asyncio.wait_for(self._start(consumer), START_TIMEOUT_S)
        except BaseException:
            await asyncio.wait_for(consumer.stop(), STOP_TIMEOUT_S)
            raise
        self._consumer = consumer

    async def _start(self, consumer: AIOKafkaConsumer) -> None:
        # Raises ConfigError for a missing topic before any consumer asks for it.
        partitions = await partitions_of(self.settings, self.bootstrap_servers, self.topic)
        await consumer.start()
        if self.group is not None:
            consumer.subscribe([self.topic])
            return
        # No group: read every partition without joining anything, so the
        # subscription never takes partitions from another consumer.
        consumer.assign([TopicPartition(self.topic, p) for p in partitions])
        if self.from_beginning:
            await consumer.seek_to_beginning()
        else:
            await consumer.seek_to_end()

    def _consumer_kwargs(self) -> dict[str, Any]:
        s = self.settings
        return {
            **client_kwargs(s, self.bootstrap_servers),
            "client_id": f"{s.app_id}-client",
            "group_id": self.group,
            "enable_auto_commit": self.auto_commit,
            # Applies only where the group has no committed offset yet.
            "auto_offset_reset": "earliest" if self.from_beginning else "latest",
            "session_timeout_ms": int(s.session_timeout_s * 1000),
            "heartbeat_interval_ms": int(s.heartbeat_interval_s * 1000),
            "rebalance_timeout_ms": int(s.rebalance_timeout_s * 1000),
        }

    async def stop(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await asyncio.wait_for(consumer.stop(), STOP_TIMEOUT_S)

    # -- Records ---------------------------------------------------------------------

    def __aiter__(self) -> Subscription[M]:
        return self

    async def __anext__(self) -> Received[M]:
        consumer = self._started()
        while True:
            message = await consumer.getone()
            item = self._decode(message)
            if item is None:
                continue
            if self._recent is not None and self._id_field is not None:
                record_id = str(getattr(item.record, self._id_field))
                if self._recent.seen(record_id):
                    self.duplicates += 1
                    continue
            self.received += 1
            return item

    def _decode(self, message: Any) -> Received[M] | None:
        value: bytes | None = message.value
        try:
            if value is None:
                raise ValueError("the value is null (a tombstone?)")
            # extra="ignore": a field added by a newer `stream` must not break us.
            record = self.model.model_validate_json(value, extra="ignore")
        except (ValidationError, ValueError) as exc:
            error = InvalidRecord(
                f"not a valid {self.model.__name__}: {_summary(exc)}",
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                value=value,
            )
            if self.on_invalid == "raise":
                raise error from exc
            self.skipped += 1
            log.warning("skipping invalid record %s", error.detail)
            return None
        key: bytes | None = message.key
        stamp = message.timestamp
        return Received(
            record=record,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=key.decode("utf-8", "replace") if key is not None else None,
            timestamp=(
                dt.datetime.fromtimestamp(stamp / 1000, dt.UTC)
                if stamp is not None and stamp >= 0
                else None
            ),
        )

    # -- Offsets ---------------------------------------------------------------------

    async def commit(self, received: Received[Any] | None = None) -> None:
        """Commit `received` (its offset + 1), or everything read so far.

        "Everything read" includes the repeats `dedupe` dropped and the invalid
        records skipped or raised as `InvalidRecord`. Call it after your own side
        effects: a crash before the commit replays the records from the last
        commit, never loses them.
        """
        consumer = self._started()
        if self.group is None:
            raise ConfigError("commit needs a consumer group: subscribe(..., group=...)")
        if received is None:
            await asyncio.wait_for(consumer.commit(), COMMIT_TIMEOUT_S)
            return
        if received.topic != self.topic:
            raise ValueError(f"{received.topic!r} is not this subscription's topic")
        offsets = {TopicPartition(received.topic, received.partition): received.offset + 1}
        await asyncio.wait_for(consumer.commit(offsets), COMMIT_TIMEOUT_S)

    def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            raise RuntimeError("use the subscription as `async with subscribe(...) as sub:`")
        return self._consumer


def _summary(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "value"
        return f"{where}: {first['msg']} ({exc.error_count()} error(s))"
    return str(exc)


@overload
def subscribe(
    topic: str,
    *,
    model: type[M],
    group: str | None = None,
    settings: Settings | None = None,
    bootstrap_servers: str | None = None,
    dedupe: bool = False,
    dedupe_capacity: int = 100_000,
    from_beginning: bool = True,
    auto_commit: bool = False,
    on_invalid: OnInvalid = "raise",
) -> Subscription[M]: ...


@overload
def subscribe(
    topic: str,
    *,
    model: None = None,
    group: str | None = None,
    settings: Settings | None = None,
    bootstrap_servers: str | None = None,
    dedupe: bool = False,
    dedupe_capacity: int = 100_000,
    from_beginning: bool = True,
    auto_commit: bool = False,
    on_invalid: OnInvalid = "raise",
) -> Subscription[OutputRecord]: ...


def subscribe(
    topic: str,
    *,
    model: type[Any] | None = None,
    group: str | None = None,
    settings: Settings | None = None,
    bootstrap_servers: str | None = None,
    dedupe: bool = False,
    dedupe_capacity: int = 100_000,
    from_beginning: bool = True,
    auto_commit: bool = False,
    on_invalid: OnInvalid = "raise",
) -> Subscription[Any]:
    """A subscription to one topic; start it with `async with`.

    `model` defaults to the topic's model by the topic names in `settings` (pass
    `model=Teaser` for a precise static type). `group=None` reads every partition
    without a consumer group (nothing to commit); with a group, several
    subscriptions share the partitions and resume from the group's committed
    offsets, `from_beginning` deciding only where a new group starts.
    `settings` defaults to `Settings()` (the `STREAM_*` variables); the cluster is
    `bootstrap_servers`, else `STREAM_BOOTSTRAP_SERVERS`.
    """
    settings = settings or Settings()
    bootstrap = bootstrap_servers or settings.bootstrap_servers
    if not bootstrap:
        raise ConfigError("no cluster: pass bootstrap_servers= or set STREAM_BOOTSTRAP_SERVERS")
    return Subscription(
        topic,
        model=model or model_for_topic(topic, settings),
        settings=settings,
        bootstrap_servers=bootstrap,
        group=group,
        dedupe=dedupe,
        dedupe_capacity=dedupe_capacity,
        from_beginning=from_beginning,
        auto_commit=auto_commit,
        on_invalid=on_invalid,
    )
