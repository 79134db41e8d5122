"""A worker's watch on its Kafka cluster: waiting for it at start, noticing when it goes.

- `wait_for_kafka`: `stream run` started before its cluster waits for it with a
  clear, repeated log line, then connects (or gives up after `STREAM_BROKER_WAIT_S`
  with an error naming the address). A cluster that answers but refuses the
  worker's SASL login or fails its certificate check ends the wait at once.
- `BrokerWatch` + `probe`: a running worker probes the cluster every second; while
  it cannot reach any broker it reports not-ready with the reason, and after
  `STREAM_BROKER_LOST_EXIT_S` it exits (`stream.kafka.exits`, code 75) instead of
  hanging silently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from stream._faust.metadata import broker_count
from stream.errors import BrokerError, BrokerUnreachable
from stream.kafka.connection import addresses, client_kwargs, refusal
from stream.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

PROBE_INTERVAL_S = 1.0
# How long one broker has to answer a probe's Metadata request before the probe
# counts it as unreachable (a hung broker accepts the connection, then says nothing).
PROBE_ANSWER_TIMEOUT_S = 2.0


async def probe(
    settings: Settings, bootstrap_servers: str, answer_within_s: float = PROBE_ANSWER_TIMEOUT_S
) -> int:
    """How many brokers the first answering bootstrap server lists; raises
    `BrokerUnreachable` if none answers, `BrokerRefused` as soon as one turns the
    worker's login or certificate check down (no other broker of the cluster would
    take them either).

    A Metadata request over a fresh connection with the worker's own security
    settings: an open port alone says nothing (a hung broker accepts connections),
    and the clients' shared connections would hide a broker that stopped answering.
    """
    return await first_answer(settings, bootstrap_servers, broker_count, answer_within_s)


async def first_answer(
    settings: Settings,
    bootstrap_servers: str,
    ask: Callable[..., Awaitable[T]],
    answer_within_s: float = PROBE_ANSWER_TIMEOUT_S,
) -> T:
    """`ask(host, port, client_id=, request_timeout_ms=, **connection)` of each
    bootstrap server in turn, over a fresh connection with the worker's security
    settings: the first answer, `BrokerRefused` at the first refusal, else
    `BrokerUnreachable` naming each address's error."""
    kwargs = client_kwargs(settings, bootstrap_servers)
    del kwargs["bootstrap_servers"]
    errors = []
    for host, port in addresses(bootstrap_servers):
        try:
            async with asyncio.timeout(answer_within_s):
                return await ask(
                    host,
                    port,
                    client_id=f"{settings.app_id}-probe",
                    request_timeout_ms=int(answer_within_s * 1000),
                    **kwargs,
                )
        except Exception as exc:  # refused, reset, timed out: all "not this one"
            refused = refusal(settings, f"{host}:{port}", exc)
            if refused is not None:
                raise refused from None
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
    wait_setting: str = "STREAM_BROKER_WAIT_S",
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
                    f"({wait_setting}), {attempt} attempts; last error: "
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
    # The setting that `exit_after_s` came from, named in `reason`.
    exit_setting: str = "STREAM_BROKER_LOST_EXIT_S"
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
            f"{self.exit_setting}): {self.last_error}"
        )
