"""faust's aiokafka producer with a pre-commit flush that is exact.

faust commits input offsets right after `producer.flush()`, but that flush does not
fail on a send that failed, gives up on table changelog writes still in faust's
own buffer after 0.1 s without progress, and under steady load never returns at
all (it waits for an empty buffer). This producer hands every output to a guard
(`stream.kafka.delivery.DeliveryGuard`) and its flush waits for exactly the
outputs handed over before it, raising if one failed.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from faust.transport.drivers.aiokafka import Producer as AIOKafkaProducer


class Guard(Protocol):
    """What the producer needs of `stream.kafka.delivery.DeliveryGuard`."""

    def track(self, future: asyncio.Future[Any]) -> None: ...

    async def settle(self, within_s: float) -> None: ...


class GuardedProducer(AIOKafkaProducer):
    """faust's aiokafka producer whose `flush` (what faust awaits before a commit) is exact."""

    def __init__(
        self, *args: Any, guard: Guard, settle_timeout_s: float = 60.0, **kwargs: Any
    ) -> None:
        self.guard = guard
        self.settle_timeout_s = settle_timeout_s
        super().__init__(*args, **kwargs)

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        # aiokafka returns a Future already: ensure_future only types it as one.
        future = asyncio.ensure_future(await super().send(*args, **kwargs))
        self.guard.track(future)
        return future

    def send_soon(self, fut: Any) -> None:
        # Table changelog writes come this way, through faust's buffer.
        self.guard.track(fut)
        super().send_soon(fut)

    async def flush(self) -> None:
        # Not faust's flush: it drains its buffer until the buffer is empty, which under
        # steady load it never is, so commits stalled for as long as pages kept coming
        # (measured: none in the first 300 pages). Waiting for exactly the outputs
        # handed over so far is what a commit needs, and it stays short.
        await self.guard.settle(self.settle_timeout_s)
