"""The `stream` command: run, produce, tail, parse, broker, demo.

Each sub-command is a small function over `Settings`; Kafka clients are built
here or in `stream.producer`/`stream.app`, and every user error ends in one line
on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from stream import __version__
from stream.errors import StreamError
from stream.settings import Settings

if TYPE_CHECKING:
    from stream.broker import EmbeddedBroker

log = logging.getLogger("stream")


@contextlib.contextmanager
def cluster(settings: Settings, port: int | None = None) -> Iterator[str]:
    """The bootstrap servers to use: the configured cluster, or an embedded broker."""
    with _cluster(settings, port) as (bootstrap, _broker):
        yield bootstrap


@contextlib.contextmanager
def _cluster(
    settings: Settings, port: int | None = None
) -> Iterator[tuple[str, EmbeddedBroker | None]]:
    if settings.bootstrap_servers:
        yield settings.bootstrap_servers, None
        return
    from stream.broker import EmbeddedBroker

    with EmbeddedBroker(port=port) as broker:
        log.info(
            "no STREAM_BOOTSTRAP_SERVERS set: using an embedded broker at %s",
            broker.bootstrap_servers,
        )
        yield broker.bootstrap_servers, broker


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    import faust

    from stream.app import create_app
    from stream.liveness import wait_for_kafka
    from stream.topics import ensure_topics

    settings = settings.for_broker()
    from stream.enrich import preload

    # The gazetteer takes ~1 s to build: before the loop runs, not on the first
    # teaser, where it would stall heartbeats.
    preload()
    _tune_gc()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with _cluster(settings) as (bootstrap, broker):
        # Before anything else talks to Kafka: a worker started with (or before) its
        # cluster waits for it with a clear line instead of a client's traceback.
        loop.run_until_complete(
            wait_for_kafka(settings, bootstrap, give_up_after_s=settings.broker_wait_s)
        )
        loop.run_until_complete(ensure_topics(settings, bootstrap))
        # A fatal exit skips `with`: the embedded broker (its own session) would outlive us.
        app = create_app(
            settings, bootstrap_servers=bootstrap, on_fatal=broker.stop if broker else None
        )
        worker = faust.Worker(
            app, loop=loop, loglevel=settings.log_level.lower(), quiet=True, redirect_stdouts=False
        )
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


def cmd_broker(settings: Settings, args: argparse.Namespace) -> int:
    from stream.broker import EmbeddedBroker

    with EmbeddedBroker(port=args.port) as broker:
        print(
            f"embedded broker ready: STREAM_BOOTSTRAP_SERVERS={broker.bootstrap_servers}",
            flush=True,
        )
        _wait_for_signal()
    return 0


def _wait_for_signal() -> None:
    received: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda n, _f: received.append(n))
    while not received:
        signal.pause()


def cmd_produce(settings: Settings, args: argparse.Namespace) -> int:
    from stream.producer import collect_pages, produce_pages
    from stream.topics import ensure_topics

    files = collect_pages(args.paths)
    with cluster(settings) as bootstrap:
        asyncio.run(ensure_topics(settings, bootstrap))
        report = asyncio.run(
            produce_pages(
                settings,
                bootstrap,
                files,
                raw=args.raw,
                repeat=args.repeat,
                url_base=args.url_base,
                progress=not args.quiet,
            )
        )
    print(report.summary(), file=sys.stderr)
    return 0


def cmd_tail(settings: Settings, args: argparse.Namespace) -> int:
    from stream.tail import tail

    if not settings.bootstrap_servers:
        raise StreamError(
            "stream tail needs a running cluster: set STREAM_BOOTSTRAP_SERVERS "
            "(an embedded broker started just for tail would be empty)"
        )
    count = asyncio.run(
        tail(
            settings,
            settings.bootstrap_servers,
            args.topic,
            from_beginning=args.from_beginning,
            limit=args.n,
            idle_timeout=args.timeout,
            out=sys.stdout,
        )
    )
    print(f"{count} record(s) from {args.topic}", file=sys.stderr)
    return 0


def cmd_parse(settings: Settings, args: argparse.Namespace) -> int:
    from stream.offline import PageRejected, parse_file

    try:
        result = parse_file(Path(args.file), settings, enrich=args.enrich)
    except PageRejected as rejected:
        print(f"stream parse: {args.file}: {rejected.detail}", file=sys.stderr)
        return 2
    option = orjson.OPT_INDENT_2 if args.pretty else 0
    sys.stdout.buffer.write(orjson.dumps(result, option=option) + b"\n")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from stream.demo import run_demo

    return run_demo(settings, keep_running=args.keep_running)


def cmd_schema(settings: Settings, args: argparse.Namespace) -> int:
    from stream.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stream",
        description="Turn crawled news pages on Kafka into articles and unique, enriched teasers.",
        epilog="Settings come from STREAM_* environment variables (see the README).",
    )
    parser.add_argument("--version", action="version", version=f"stream {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "run", help="run a worker (embedded broker when no cluster is set)"
    ).set_defaults(func=cmd_run)

    p = sub.add_parser("produce", help="publish files or folders of pages to pages.raw")
    p.add_argument("paths", nargs="+", help=".txt / .html files or folders of them")
    p.add_argument("--raw", action="store_true", help="raw bodies with headers, not JSON envelopes")
    p.add_argument("--repeat", type=int, default=1, help="publish everything N times")
    p.add_argument("--url-base", help="give each page the URL <base>/<file name>")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_produce)

    p = sub.add_parser("tail", help="print a topic as JSON lines")
    p.add_argument("topic")
    p.add_argument("--from-beginning", action="store_true", help="start at the earliest offset")
    p.add_argument("-n", type=int, default=None, help="stop after N records")
    p.add_argument(
        "--timeout", type=float, default=None, help="stop after S seconds without records"
    )
    p.set_defaults(func=cmd_tail)

    p = sub.add_parser("parse", help="parse one page offline and print it as JSON (no Kafka)")
    p.add_argument("file")
    p.add_argument("--pretty", action="store_true", help="indent the JSON for people")
    p.add_argument("--enrich", action="store_true", help="fill each teaser's enrichment")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("broker", help="run only the embedded broker")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default: a free one)")
    p.set_defaults(func=cmd_broker)

    p = sub.add_parser("schema", help="write the JSON Schema of every record and asyncapi.yaml")
    p.add_argument("--out", default="schemas", help="folder to write to (default: schemas)")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("demo", help="the whole pipeline on the bundled pages, then a summary")
    p.add_argument("--keep-running", action="store_true", help="keep the worker up until Ctrl-C")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # pydantic's ValidationError names the variable and the problem
        print(f"stream: invalid STREAM_* setting: {exc}", file=sys.stderr)
        return 2
    level = logging.DEBUG if args.verbose else getattr(logging, settings.log_level)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # aiokafka logs every subscription change at INFO: noise for a person at a terminal.
        logging.getLogger("aiokafka").setLevel(logging.WARNING)
    try:
        return int(args.func(settings, args))
    except StreamError as error:
        print(f"stream {args.command}: {error.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
