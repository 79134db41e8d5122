"""faust's Kafka transport, adjusted for two things the embedded broker does differently,
and for one faust bug every broker has.

1. Fetch wait. faust's aiokafka driver hard-codes `fetch_max_wait_ms=1500`. Apache
   Kafka answers a long-poll fetch as soon as any partition in it has data, so
   there the value only bounds idle polling. Tansu answers a fetch that spans
   several partitions only when the wait runs out (measured on an 8-partition
   topic: 1,474 ms per message at 1500, 73 ms at 100, 7 ms at 10), and each of the
   pipeline's three hops paid it: pages took 4.4 s (p50) end to end at 4 pages/s.
2. End offsets. Tansu's ListOffsets reports the base offset of a partition's last
   record batch + 1, not its last offset + 1 (three batches of 200 records: 401,
   not 600). faust recovers a table by reading its changelog up to that end offset,
   so it would miss the tail of the last batch: keys lost from the dedup state
   (teasers published twice) and rocksdb refusing to start ("persisted offset
   > highwater"). With `verify_end_offsets`, the worker reads the last batch of
   each changelog partition to find the true end before recovering.

And one faust bug every broker has (`_Consumer`): partitions new to a worker are
fetched from the moment they are assigned, and when a rebalance's recovery ends
faust resumes the others *before* seeking them to their committed offsets, while
the fetcher runs. Records fetched in that window reach the agents'
queues, which faust then clears; its read-offset bookkeeping, reset by the seek
under the fetcher's feet, takes the jump to the next record as a gap and counts
the cleared offsets as done: the next commit passes pages never processed (lost),
or, on another partition, never passes them again (the partition stalls).

And one more (`_ConsumerThread._fetch_records`): faust hands the consumer thread
its *live* set of active partitions, which the event loop keeps changing while the
fetch waits. aiokafka reads an empty set as "every assigned partition", so when
recovery paused the changelogs mid-fetch, the fetch returned the records of the
stream partitions held for their seek; faust dropped them as not active, but
aiokafka's position had moved past them. A partition then stalled (nothing after
them) or lost them (the next record's jump counted as a gap): 1 fault-test run in
4 under load, on both brokers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any, cast

import aiokafka
import faust
from aiokafka import TopicPartition
from faust.transport.drivers import aiokafka as driver
from faust.types import TP

log = logging.getLogger(__name__)

# How long a worker reads the last batch of each changelog partition to find its
# true end (`true_end_offsets`) before it falls back to the broker's end offsets.
LAST_BATCH_READ_TIMEOUT_S = 10.0


async def true_end_offsets(
    probe: aiokafka.AIOKafkaConsumer, reported: Mapping[TP, int]
) -> dict[TP, int]:
    """End offsets counted from the records themselves, from `reported` as ListOffsets gave them.

    `probe` is a started consumer outside any group. The true end of a partition is
    at least one past the last record of the batch that starts at `reported - 1`.
    """
    ends = dict(reported)
    pending = {TopicPartition(tp.topic, tp.partition): tp for tp, end in reported.items() if end}
    if not pending:
        return ends
    probe.assign(list(pending))
    for tp, key in pending.items():
        probe.seek(tp, ends[key] - 1)
    deadline = time.monotonic() + LAST_BATCH_READ_TIMEOUT_S
    while pending and time.monotonic() < deadline:
        fetched = await probe.getmany(*pending, timeout_ms=200)
        for tp, records in fetched.items():
            if records:
                key = pending.pop(tp)
                ends[key] = max(ends[key], records[-1].offset + 1)
    if pending:
        # Recovery then reads up to the reported offset, as plain faust would.
        log.warning(
            "could not read the last batch of %s within %.0f s; using the broker's end offsets",
            ", ".join(f"{tp.topic}[{tp.partition}]" for tp in pending),
            LAST_BATCH_READ_TIMEOUT_S,
        )
    return ends


def fetchable(active_partitions: Iterable[TP]) -> set[TP]:
    """The partitions a fetch may return records for: a copy of faust's live set,
    which the event loop mutates while the consumer thread fetches."""
    return set(active_partitions)


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    _probe: aiokafka.AIOKafkaConsumer | None = None

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        wait_ms = cast(App, self.app).fetch_max_wait_ms
        if wait_ms is not None:
            # aiokafka reads this when the consumer starts, which is just after this.
            consumer._fetch_max_wait_ms = wait_ms
        return consumer

    async def _fetch_records(
        self,
        consumer: aiokafka.AIOKafkaConsumer,
        active_partitions: set[TP],
        timeout: float | None = None,  # noqa: ASYNC109  (faust's signature)
        max_records: int | None = None,
    ) -> Any:
        # A snapshot, taken on this thread when the fetch starts: records come back
        # only for partitions faust still wanted then, and none when it wants none
        # (aiokafka would return every partition's). See the module docstring.
        wanted = fetchable(active_partitions)
        if not wanted:
            return {}
        return await super()._fetch_records(
            consumer, wanted, timeout=timeout, max_records=max_records
        )

    async def _highwaters(self, partitions: list[TP]) -> Mapping[TP, int]:
        reported = await super()._highwaters(partitions)
        if not cast(App, self.app).verify_end_offsets:
            return reported
        return await true_end_offsets(await self._started_probe(), reported)

    async def _started_probe(self) -> aiokafka.AIOKafkaConsumer:
        if self._probe is None:
            app = cast(App, self.app)
            self._probe = aiokafka.AIOKafkaConsumer(
                **app.connection,
                enable_auto_commit=False,
                max_partition_fetch_bytes=app.conf.consumer_max_fetch_size,
                fetch_max_wait_ms=50,
            )
            await self._probe.start()
        return self._probe

    async def on_thread_stop(self) -> None:
        await super().on_thread_stop()
        if self._probe is not None:
            await self._probe.stop()


class _Consumer(driver.Consumer):
    """faust's consumer, whose stream partitions resume only once their seek is done.

    At the end of recovery faust calls, in this order: `resume_partitions` (stream
    partitions), `perform_seek` (to the committed offsets), `app.flow_control.resume()`
    (clears the agents' queues), `resume_flow()`. Stream partitions resumed by the
    first are held back until the last, so nothing is fetched for them before they
    are seeked, and nothing fetched is cleared. Changelog partitions (table recovery)
    resume at once, as in faust.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._held: set[TP] = set()
        super().__init__(*args, **kwargs)

    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self.hold_new_streams(assigned)
        await super().on_partitions_assigned(assigned, generation_id)

    def hold_new_streams(self, assigned: Iterable[TP]) -> None:
        """Pause the stream partitions of a new assignment until recovery ends.

        faust makes every assigned partition active at once (only the previous
        assignment was paused when it was revoked), so partitions new to a worker,
        such as a killed worker's taken over by a survivor, were fetched during
        table recovery, before their seek: the same race, and the survivor stalled
        (the one-of-two fault test, under load). Paused here, they are resumed with
        the others when recovery ends.
        """
        self._paused_partitions.update(tp for tp in assigned if not self._is_changelog_tp(tp))

    def resume_partitions(self, tps: Iterable[TP]) -> None:
        tps = set(tps)
        streams = {tp for tp in tps if not self._is_changelog_tp(tp)}
        self._held.update(streams)
        super().resume_partitions(tps - streams)

    def pause_partitions(self, tps: Iterable[TP]) -> None:
        tps = set(tps)
        self._held.difference_update(tps)  # a rebalance came before the seek
        super().pause_partitions(tps)

    def on_buffer_drop(self, tp: TP) -> None:
        """A drained stream buffer resumes its partition, unless a rebalance holds it.

        faust re-activates the partition whatever else paused it: under load (full
        buffers) a partition held for its seek was fetched during recovery, its
        records went into queues that recovery then cleared, and it stalled behind
        the gap. A held or paused partition resumes with the others instead.
        """
        if tp in self._held or tp in self._paused_partitions:
            self._buffered_partitions.discard(tp)
            return
        super().on_buffer_drop(tp)

    def resume_flow(self) -> None:
        super().resume_flow()  # after flow_control.resume() cleared the queues
        if self._held:
            held, self._held = self._held & self.assignment(), set()
            super().resume_partitions(held)


class _Transport(driver.Transport):
    Consumer = _Consumer


class App(faust.App):
    """A faust App with the adjustments above.

    `fetch_max_wait_ms`: None keeps faust's 1.5 s. `verify_end_offsets`: read the
    true end of each changelog partition before recovering tables, over a consumer
    made with `connection` (`stream.kafka.connection.client_kwargs`, the same
    cluster and credentials as `broker=` and `broker_credentials=`).
    """

    def __init__(
        self,
        *args: Any,
        fetch_max_wait_ms: int | None,
        verify_end_offsets: bool,
        connection: Mapping[str, Any],
        **kwargs: Any,
    ) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.verify_end_offsets = verify_end_offsets
        self.connection = dict(connection)
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)
