"""The delivery guard: an input offset is never committed ahead of an output it covers.

faust commits input offsets right after `producer.flush()`; the producer
(`stream._faust.producer.GuardedProducer`) hands every output to a `DeliveryGuard`
and its flush is `settle`: it waits for exactly the outputs handed over before it
and raises if one failed, so commits keep their interval under load and never
pass a lost output. A failed send ends the worker (code 70, `stream.kafka.exits`),
and the uncommitted pages are processed again after a restart. See the README's
"Processing guarantees".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from stream.errors import DeliveryFailed


class DeliveryGuard:
    """Outputs handed to the producer and not yet acknowledged, and the first that failed."""

    def __init__(self, on_failure: Callable[[BaseException], None]) -> None:
        self._pending: set[asyncio.Future[Any]] = set()
        self._on_failure = on_failure
        self.failure: BaseException | None = None

    def track(self, future: asyncio.Future[Any]) -> None:
        self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: asyncio.Future[Any]) -> None:
        self._pending.discard(future)
        error = _failure_of(future)
        if error is not None and self.failure is None:
            self.failure = error
            self._on_failure(error)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def settle(self, within_s: float) -> None:
        """Wait for every output tracked so far; raise if any failed or is still unsent.

        Only the outputs tracked before the call: those are the ones the offsets
        about to be committed cover (faust acks an event after its agent body, and
        the body hands its sends over before that).
        """
        snapshot = list(self._pending)
        if snapshot:
            _, unsent = await asyncio.wait(snapshot, timeout=within_s)
            if unsent:
                raise DeliveryFailed(
                    f"{len(unsent)} output(s) not acknowledged by Kafka within {within_s:.0f} s "
                    "(STREAM_BROKER_LOST_EXIT_S); not committing the inputs behind them"
                )
        failed = self.failure or next(
            (e for e in map(_failure_of, snapshot) if e is not None), None
        )
        if failed is not None:
            raise DeliveryFailed(
                f"an output was not delivered ({failed!r}); not committing the inputs behind it"
            )


def _failure_of(future: asyncio.Future[Any]) -> BaseException | None:
    if not future.done():
        return None
    if future.cancelled():
        return asyncio.CancelledError("output send cancelled")
    return future.exception()
