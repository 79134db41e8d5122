"""Which Kafka a command talks to: the configured cluster, or the one local broker.

With STREAM_BOOTSTRAP_SERVERS unset, every command looks for the local embedded
broker at one known address (`Settings.local_broker`, port
STREAM_LOCAL_BROKER_PORT). `stream run` joins the broker listening there or starts
it; `stream broker` runs it alone; the commands a person types (produce, tail,
status, dlq) only ever use one that runs, and refuse in one line when none does,
because a broker they started would die with them and take what they published.

The process that started the local broker owns it: when it exits, the broker
stops, and the others see it lost as they would any cluster (a worker reports
not-ready, then exits with code 75).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Iterator
from typing import TYPE_CHECKING, TypeVar

from stream.errors import BrokerError, BrokerUnreachable, ConfigError
from stream.kafka.embedded import metadata_brokers
from stream.settings import Settings

if TYPE_CHECKING:
    from stream.kafka.embedded import EmbeddedBroker

log = logging.getLogger("stream")

T = TypeVar("T")

# A local broker answers Metadata in milliseconds; one that takes longer is not one.
LOCAL_ANSWER_TIMEOUT_S = 1.0
# Terminal colour codes, as Tansu's log writes them.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def local_broker_answers(settings: Settings) -> bool:
    """Whether a broker answers Metadata at the local broker's address now."""
    try:
        return metadata_brokers("127.0.0.1", settings.local_broker_port, LOCAL_ANSWER_TIMEOUT_S) > 0
    except OSError:
        return False


def no_local_broker(settings: Settings, command: str) -> ConfigError:
    """The one line for a command that needs a broker when none runs locally."""
    return ConfigError(
        f"no Kafka to {command}: STREAM_BOOTSTRAP_SERVERS is not set and no local broker "
        f"answers at {settings.local_broker}; start one in another terminal with "
        "`stream broker` (or `stream run`, which starts it), or set STREAM_BOOTSTRAP_SERVERS"
    )


def start_failure(error: BrokerError, address: str) -> BrokerError:
    """Why the local broker did not start, in one line: Tansu's log tail is several
    lines of colour codes and a Rust panic."""
    if "Address in use" in error.detail or "AddrInUse" in error.detail:
        return BrokerError(
            f"cannot start the local broker at {address}: the port is taken by a program "
            "that does not answer as Kafka; stop it, or choose another port with "
            "STREAM_LOCAL_BROKER_PORT (the same for every command)"
        )
    flat = " ".join(_ANSI.sub("", error.detail).split())
    return BrokerError(f"cannot start the local broker at {address}: {flat}")


async def find_kafka(settings: Settings, command: str) -> str:
    """The bootstrap servers for a command a person types: the configured cluster once
    it answers (retried for STREAM_COMMAND_WAIT_S, each attempt logged), or the
    running local broker. Never starts a broker."""
    from stream.kafka.watch import wait_for_kafka

    if settings.bootstrap_servers:
        await wait_for_kafka(
            settings,
            settings.bootstrap_servers,
            give_up_after_s=settings.command_wait_s,
            wait_setting="STREAM_COMMAND_WAIT_S",
        )
        return settings.bootstrap_servers
    if not local_broker_answers(settings):
        raise no_local_broker(settings, command)
    return settings.local_broker


def _where_to_look(settings: Settings) -> str:
    if settings.bootstrap_servers:
        return "check STREAM_BOOTSTRAP_SERVERS and that the cluster is up"
    return (
        "is the process that started the local broker (stream run or stream broker) still running?"
    )


async def while_reachable(settings: Settings, bootstrap_servers: str, work: Awaitable[T]) -> T:
    """`work`'s result, unless Kafka stops answering for STREAM_COMMAND_WAIT_S first:
    then `work` is cancelled and one line says so (a BrokerError).

    aiokafka's clients retry a lost broker forever, ten ERROR lines a second, so a
    command a person typed would hang in a flood; the broker probe counts the loss
    instead, one line per attempt, and aiokafka's own lines are held back meanwhile
    (unless -v: DEBUG shows everything).
    """
    from stream.kafka.watch import PROBE_INTERVAL_S, BrokerWatch, probe

    task = asyncio.ensure_future(work)
    watch = BrokerWatch(
        address=bootstrap_servers,
        exit_after_s=settings.command_wait_s,
        exit_setting="STREAM_COMMAND_WAIT_S",
    )
    clients = logging.getLogger("aiokafka")
    level = clients.level
    if clients.getEffectiveLevel() > logging.DEBUG:
        clients.setLevel(logging.CRITICAL)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=PROBE_INTERVAL_S)
            if done:
                return task.result()
            try:
                await probe(settings, bootstrap_servers)
            except BrokerUnreachable as unreachable:
                now = time.monotonic()
                watch.failed(now, unreachable.detail)
                if watch.expired(now):
                    raise BrokerError(
                        f"lost Kafka at {bootstrap_servers}: no answer for "
                        f"{watch.lost_for(now):.0f} s (STREAM_COMMAND_WAIT_S), "
                        f"{watch.failed_probes} attempts; last error: {unreachable.detail}; "
                        f"{_where_to_look(settings)}"
                    ) from None
                log.warning("%s; retrying", watch.reason(now))
                continue
            lost_for = watch.succeeded(time.monotonic())
            if lost_for is not None:
                log.info("Kafka at %s answers again after %.1f s", bootstrap_servers, lost_for)
    finally:
        clients.setLevel(level)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@contextlib.contextmanager
def cluster_and_broker(settings: Settings) -> Iterator[tuple[str, EmbeddedBroker | None]]:
    """`stream run`'s Kafka: the configured cluster, the local broker already running
    (joined), or the local broker started here (owned: yielded, stopped on leaving)."""
    if settings.bootstrap_servers:
        yield settings.bootstrap_servers, None
        return
    from stream.kafka.embedded import EmbeddedBroker

    address = settings.local_broker
    if local_broker_answers(settings):
        log.info("no STREAM_BOOTSTRAP_SERVERS set: joining the local broker at %s", address)
        yield address, None
        return
    broker = EmbeddedBroker(port=settings.local_broker_port)
    try:
        broker.start()
    except BrokerError as error:
        # Another `stream run` started at the same moment may have taken the port first.
        if not local_broker_answers(settings):
            raise start_failure(error, address) from None
        log.info("no STREAM_BOOTSTRAP_SERVERS set: joining the local broker at %s", address)
        yield address, None
        return
    with broker:
        log.info(
            "no STREAM_BOOTSTRAP_SERVERS set: started the local broker at %s; other "
            "commands find it there, and it stops when this worker does",
            address,
        )
        yield address, broker
