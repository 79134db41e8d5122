"""A worker's hold on Kafka: waiting for it, watching it, and never committing past a loss.

Three concerns, one promise (at-least-once, see the README's "Processing
guarantees"):

- `wait_for_kafka`: `stream run` started before its cluster waits for it with a
  clear, repeated log line, then connects (or gives up after `STREAM_BROKER_WAIT_S`
  with an error naming the address).
- `BrokerWatch` + `probe`: a running worker probes the cluster every second; while
  it cannot reach any broker it reports not-ready with the reason, and after
  `STREAM_BROKER_LOST_EXIT_S` it exits (code 75) instead of hanging silently.
- `DeliveryGuard` + `GuardedProducer`: faust commits input offsets right after
  `producer.flush()`, but that flush does not fail on a send that failed, gives up
  on table changelog writes still in faust's own buffer after 0.1 s without
  progress, and under steady load never returns at all (it waits for an empty
  buffer). The guarded flush waits for exactly the outputs handed to the producer
  before it and raises if one failed, so an offset is never committed ahead of an
  output it covers, and commits keep their interval under load; a failed send
  ends the worker (code 70), and the uncommitted pages are processed again after
  a restart.

`fatal_exit` ends the process at once, like SIGKILL: at-least-once holds by
construction (nothing after the last commit is acknowledged to the group), and no
shutdown path can hang on a broker that is gone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.protocol.metadata import MetadataRequest
from faust.transport.drivers.aiokafka import Producer as AIOKafkaProducer

from stream.errors import BrokerError, BrokerUnreachable, DeliveryFailed
from stream.kafka.topics import client_kwargs
from stream.settings import Settings

log = logging.getLogger(__name__)

PROBE_INTERVAL_S = 1.0
PROBE_TIMEOUT_S = 2.0
# sysexits(3): EX_SOFTWARE for an output the worker could not deliver or an agent
# that raised; EX_TEMPFAIL for a cluster that went away (try again later).
EXIT_DELIVERY_FAILED = 70
EXIT_BROKER_LOST = 75


def addresses(bootstrap_servers: str) -> list[tuple[str, int]]:
    """`host:port,...` as (host, port) pairs; a bare host gets Kafka's port 9092."""
    pairs = []
    for item in bootstrap_servers.split(","):
        item = item.strip().removeprefix("kafka://")
        if not item:
            continue
        host, _, port = item.rpartition(":") if ":" in item else (item, "", "9092")
        pairs.append((host.strip("[]"), int(port)))
    if not pairs:
        raise BrokerError(f"no broker address in STREAM_BOOTSTRAP_SERVERS={bootstrap_servers!r}")
    return pairs


async def probe(
    settings: Settings, bootstrap_servers: str, answer_within_s: float = PROBE_TIMEOUT_S
) -> int:
    """How many brokers the first answering bootstrap server lists; raises if none answers.

    A Metadata request over a fresh connection with the worker's own security
    settings: an open port alone says nothing (a hung broker accepts connections),
    and the clients' shared connections would hide a broker that stopped answering.
    """
    kwargs = client_kwargs(settings, bootstrap_servers)
    del kwargs["bootstrap_servers"]
    errors = []
    for host, port in addresses(bootstrap_servers):
        try:
            async with asyncio.timeout(answer_within_s):
                conn = await create_conn(
                    host,
                    port,
                    client_id=f"{settings.app_id}-probe",
                    request_timeout_ms=int(answer_within_s * 1000),
                    **kwargs,
                )
                try:
                    metadata = await conn.send(MetadataRequest([]))
                finally:
                    conn.close()
            return len(metadata.brokers)
        except Exception as exc:  # refused, reset, timed out, TLS, SASL: all "not this one"
            errors.append(f"{host}:{port}: {_describe(exc)}")
    raise BrokerUnreachable("; ".join(errors))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer (timed out)"
    return str(exc) or type(exc).__name__


async def wait_for_kafka(
    settings: Settings,
    bootstrap_servers: str,
    *,
    give_up_after_s: float,
    check: Callable[[Settings, str], Awaitable[int]] = probe,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """Block until the cluster answers; the number of attempts it took.

    Backs off from 0.5 s to 5 s between attempts, so a long wait logs a line every
    few seconds, not a flood.
    """
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            await check(settings, bootstrap_servers)
        except BrokerUnreachable as unreachable:
            waited = clock() - started
            if waited >= give_up_after_s:
                raise BrokerError(
                    f"Kafka at {bootstrap_servers} did not answer within {give_up_after_s:.0f} s "
                    f"(STREAM_BROKER_WAIT_S), {attempt} attempts; last error: "
                    f"{unreachable.detail}. Check STREAM_BOOTSTRAP_SERVERS and that the "
                    "cluster is up."
                ) from None
            log.warning(
                "waiting for Kafka at %s (attempt %d, %.0f s of %.0f s): %s",
                bootstrap_servers,
                attempt,
                waited,
                give_up_after_s,
                unreachable.detail,
            )
            await sleep(min(5.0, 0.5 * 2 ** (attempt - 1), max(0.0, give_up_after_s - waited)))
            continue
        if attempt > 1:
            log.info(
                "Kafka at %s answered after %d attempts (%.1f s)",
                bootstrap_servers,
                attempt,
                clock() - started,
            )
        return attempt


@dataclass
class BrokerWatch:
    """Reachability of the cluster from periodic probes (pure: the clock is passed in)."""

    address: str
    exit_after_s: float
    lost_since: float | None = None
    last_error: str = ""
    failed_probes: int = 0

    @property
    def reachable(self) -> bool:
        return self.lost_since is None

    def succeeded(self, now: float) -> float | None:
        """Record an answer; how long the cluster had been unreachable, if it had."""
        lost_for = None if self.lost_since is None else now - self.lost_since
        self.lost_since, self.last_error, self.failed_probes = None, "", 0
        return lost_for

    def failed(self, now: float, error: str) -> None:
        if self.lost_since is None:
            self.lost_since = now
        self.last_error = error
        self.failed_probes += 1

    def lost_for(self, now: float) -> float:
        return 0.0 if self.lost_since is None else now - self.lost_since

    def expired(self, now: float) -> bool:
        return self.lost_since is not None and self.lost_for(now) >= self.exit_after_s

    def reason(self, now: float) -> str | None:
        if self.lost_since is None:
            return None
        return (
            f"Kafka at {self.address} unreachable for {self.lost_for(now):.1f} s "
            f"({self.failed_probes} failed probes; exits after {self.exit_after_s:.0f} s, "
            f"STREAM_BROKER_LOST_EXIT_S): {self.last_error}"
        )


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


class GuardedProducer(AIOKafkaProducer):
    """faust's aiokafka producer whose `flush` (what faust awaits before a commit) is exact."""

    guard: DeliveryGuard
    settle_timeout_s: float = 60.0

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


def fatal_exit(code: int, message: str, cleanup: Callable[[], None] | None = None) -> None:
    """Log `message`, run `cleanup`, end the process now (no commit, no hanging shutdown)."""
    log.critical(message)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    if cleanup is not None:
        try:
            cleanup()
        except Exception:  # the exit must happen whatever the clean-up does
            log.exception("clean-up before exit failed")
    os._exit(code)
