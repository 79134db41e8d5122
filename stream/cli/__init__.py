"""The `stream` command: one module per sub-command, each with `command(settings, args)`.

A sub-command's module is imported only when it runs, so `stream parse` never
loads faust or aiokafka; every user error ends in one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from stream import __version__
from stream.errors import BrokerRefused, StreamError
from stream.settings import Settings, invalid_settings_message


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
        "run", help="run a worker (on the local broker, started if need be, when no cluster is set)"
    ).set_defaults(module="run")

    p = sub.add_parser("produce", help="publish files or folders of pages to pages.raw")
    p.add_argument("paths", nargs="+", help=".txt / .html files or folders of them")
    p.add_argument("--raw", action="store_true", help="raw bodies with headers, not JSON envelopes")
    p.add_argument("--repeat", type=int, default=1, help="publish everything N times")
    p.add_argument("--url-base", help="give each page the URL <base>/<file name>")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar (none unless on a terminal)"
    )
    p.set_defaults(module="produce")

    p = sub.add_parser("tail", help="print a topic as JSON lines")
    p.add_argument("topic")
    p.add_argument("--from-beginning", action="store_true", help="start at the earliest offset")
    p.add_argument("-n", type=int, default=None, help="stop after N records")
    p.add_argument(
        "--timeout", type=float, default=None, help="stop after S seconds without records"
    )
    p.add_argument(
        "--pretty", action="store_true", help="for people: where each record came from, indented"
    )
    p.set_defaults(module="tail")

    p = sub.add_parser("parse", help="parse one page offline and print it as JSON (no Kafka)")
    p.add_argument("file")
    p.add_argument("--pretty", action="store_true", help="indent the JSON for people")
    p.add_argument("--enrich", action="store_true", help="fill each teaser's enrichment")
    p.set_defaults(module="parse")

    p = sub.add_parser("broker", help="run only the local embedded broker")
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help="port to listen on (default: STREAM_LOCAL_BROKER_PORT, where every command looks)",
    )
    p.set_defaults(module="broker")

    p = sub.add_parser("schema", help="write the JSON Schema of every record and asyncapi.yaml")
    p.add_argument("--out", default="schemas", help="folder to write to (default: schemas)")
    p.set_defaults(module="schema")

    p = sub.add_parser("dlq", help="dead letters: summarise them, or replay them to pages.raw")
    actions = p.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")
    q = actions.add_parser("list", help="dead letters by reason: counts, first and last, a sample")
    q.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    q = actions.add_parser("replay", help="publish dead letters' original pages to pages.raw again")
    q.add_argument("--reason", help="only dead letters of this reason (e.g. internal_error)")
    q.add_argument("--since", help="only those that failed since: a time or an age (90m, 2d)")
    q.add_argument(
        "--dry-run", action="store_true", help="list what would be replayed, publish nothing"
    )
    p.set_defaults(module="dlq")

    p = sub.add_parser("status", help="the consumer group: members, partitions, lag, readiness")
    p.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    p.set_defaults(module="status")

    p = sub.add_parser("demo", help="the whole pipeline on the bundled pages, then a summary")
    p.add_argument("--keep-running", action="store_true", help="keep the worker up until Ctrl-C")
    p.set_defaults(module="demo")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as invalid:
        print(f"stream {args.command}: {invalid_settings_message(invalid)}", file=sys.stderr)
        return 2
    level = logging.DEBUG if args.verbose else getattr(logging, settings.log_level)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # aiokafka logs every subscription change at INFO: noise for a person at a terminal.
        logging.getLogger("aiokafka").setLevel(logging.WARNING)
    try:
        command = importlib.import_module(f"stream.cli.{args.module}").command
        return int(command(settings, args))
    except StreamError as error:
        print(f"stream {args.command}: {error.detail}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        known = _refusal_behind(settings, exc) or _kafka_failure(exc)
        if known is None:
            raise  # a bug of ours: the traceback is what a report needs
        print(f"stream {args.command}: {known.detail}", file=sys.stderr)
        return known.exit_code


def _kafka_failure(error: Exception) -> StreamError | None:
    """An error of the Kafka client (a send that failed or timed out), as one line.

    Only when aiokafka was loaded: `stream parse` never imports it.
    """
    kafka_errors = sys.modules.get("aiokafka.errors")
    if kafka_errors is None or not isinstance(error, kafka_errors.KafkaError | TimeoutError):
        return None
    name, text = type(error).__name__, str(error)
    # aiokafka's errors print their own class name first; others do not.
    what = text if text.startswith(name) else f"{name}: {text}" if text else name
    return StreamError(
        f"Kafka failed ({what}): check the cluster (or the terminal that runs the local "
        "broker) and run the command again"
    )


def _refusal_behind(settings: Settings, error: Exception) -> BrokerRefused | None:
    """Why a secured cluster turned a command down, if it did.

    aiokafka's clients report a rejected SASL login or an untrusted certificate as
    `KafkaConnectionError: Unable to bootstrap`, the cause left out, so the
    cluster is asked once more by the worker's broker probe, which names it.
    """
    if not settings.bootstrap_servers or settings.security_protocol == "PLAINTEXT":
        return None
    from stream.kafka.watch import probe

    try:
        asyncio.run(probe(settings, settings.bootstrap_servers))
    except BrokerRefused as refused:
        return refused
    except Exception:  # down or hung: the original error says enough
        return None
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
