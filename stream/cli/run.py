"""`stream run`: one worker of the consumer group (on the local broker if no cluster is set)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import socket
import sys
from collections.abc import Callable

from stream.cli.cluster import cluster_and_broker
from stream.errors import ConfigError
from stream.settings import Settings

log = logging.getLogger("stream")


def command(settings: Settings, args: argparse.Namespace) -> int:
    import faust

    from stream.enrich import preload
    from stream.kafka.flavour import tuned_for_broker
    from stream.kafka.topics import ensure_topics
    from stream.kafka.watch import wait_for_kafka
    from stream.kafka.worker import create_app

    # The gazetteer takes ~1 s to build: before the loop runs, not on the first
    # teaser, where it would stall heartbeats.
    preload()
    _tune_gc()
    settings = with_free_web_port(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with cluster_and_broker(settings) as (bootstrap, broker):
        # Before anything else talks to Kafka: a worker started with (or before) its
        # cluster waits for it with a clear line instead of a client's traceback.
        loop.run_until_complete(
            wait_for_kafka(settings, bootstrap, give_up_after_s=settings.broker_wait_s)
        )
        # Tansu's workarounds by what answers there, whoever started it.
        settings = loop.run_until_complete(tuned_for_broker(settings, bootstrap))
        loop.run_until_complete(ensure_topics(settings, bootstrap, changelogs=True))
        # A fatal exit skips `with`: the embedded broker (its own session) would outlive us.
        app = create_app(
            settings, bootstrap_servers=bootstrap, on_fatal=broker.stop if broker else None
        )
        worker = faust.Worker(
            app, loop=loop, loglevel=settings.log_level.lower(), quiet=True, redirect_stdouts=False
        )
        if not sys.stdout.isatty():
            # faust's start-up spinner writes cursor codes (ESC[?25l) whatever stdout
            # is: `stream demo > demo.log` had them in the file.
            worker.spinner = None
        log.info(
            "worker starting: broker %s, metrics at http://%s:%d/metrics",
            bootstrap,
            settings.web_host,
            settings.web_port,
        )
        try:
            worker.execute_from_commandline()
        except SystemExit as exit_:
            return int(exit_.code or 0)
    return 0


# How far past a taken default web port a worker looks for a free one.
WEB_PORTS_TRIED = 100


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the web server binds (aiohttp: reuse_address): connections of a worker
        # that just stopped, waiting out TIME_WAIT, do not keep its successor off
        # the port (and off its RocksDB tables, named for the port); a listener does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def with_free_web_port(
    settings: Settings, is_free: Callable[[str, int], bool] = port_is_free
) -> Settings:
    """`settings` with a web port this worker can bind.

    A second `stream run` on one machine (local scale-out) found the default 6066
    taken by the first and died in aiohttp's traceback. Left at its default, the
    port moves to the next free one, said in the log; set with STREAM_WEB_PORT (a
    Prometheus target), a taken port is an error naming it.
    """
    host, port = settings.web_host, settings.web_port
    if port == 0 or is_free(host, port):
        return settings
    if "web_port" in settings.model_fields_set:
        raise ConfigError(
            f"STREAM_WEB_PORT={port} is taken on {host} (another stream run?): "
            "give this worker another port, or leave STREAM_WEB_PORT unset to take the next "
            "free one"
        )
    for candidate in range(port + 1, min(port + WEB_PORTS_TRIED, 65535) + 1):
        if is_free(host, candidate):
            log.info(
                "web port %d is taken (another worker on this machine?): /metrics, /healthz "
                "and /readyz of this worker are on port %d (STREAM_WEB_PORT chooses one)",
                port,
                candidate,
            )
            return settings.model_copy(update={"web_port": candidate})
    raise ConfigError(
        f"ports {port}-{port + WEB_PORTS_TRIED} are all taken on {host}: set STREAM_WEB_PORT"
    )


def _tune_gc() -> None:
    """Keep the cyclic garbage collector off the latency path of a worker.

    Full collections walk every container the worker holds (near-duplicate buckets,
    table entries, the gazetteer): measured at 73-189 ms each, five in 16 s at 140
    pages/s, they were the whole p99 latency tail. What start-up built is frozen out
    of collection, and full collections become rare (longest pause then 22 ms). The
    dedup and near-duplicate state holds no reference cycles, so little waits longer
    to be freed.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 1_000)
