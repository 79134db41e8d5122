"""The command line of `bench_pipeline.py`: its flags into `Options` (the `--small`
sizes), the run, the table or the JSON printed, and the exit code (0 exact, 1 wrong
results, 2 could not measure).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from .feed import SITES, WINDOW
from .harness import HarnessError, Options
from .reading import STALL_S
from .report import render_table
from .runs import run, run_curve

DESCRIPTION = "Throughput, latency, stage cost and dedup memory of the whole pipeline (issue 7)."


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Options]:
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--quick",
        "--small",
        dest="small",
        action="store_true",
        help="a quick run (150 pages, 10,000 ids, 3 s latency, state curve at 1,000 and 5,000)",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="only the preloaded pass-through and the state curve",
    )
    parser.add_argument(
        "--states",
        help="teasers of preloaded state for the curve, comma-separated "
        "(10000,100000,1000000; 1000,5000 with --quick)",
    )
    parser.add_argument("--pages", type=int, help="feed pages for (a), (b), scale-out")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="consecutive runs each state point's pages are sent in, measured apart; the "
        "point is their median (a slow stretch of a shared machine moves one run, not all)",
    )
    parser.add_argument("--latency-seconds", type=float, help="length of the latency phase")
    parser.add_argument("--teasers", type=int, help="distinct ids for the dedup memory figure")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument(
        "--broker",
        choices=("tansu", "kafka"),
        default="tansu",
        help="the embedded Tansu, or one Apache Kafka node from .cache/kafka/libs",
    )
    parser.add_argument(
        "--fetch-max-wait-ms",
        type=int,
        help="consumers' fetch wait (default what `stream run` picks: 10 on Tansu, 500 on Kafka)",
    )
    parser.add_argument(
        "--store",
        choices=("memory", "rocksdb"),
        default="memory",
        help="the workers' STREAM_STORE (the dedup table; the near-duplicate table is on RocksDB)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help=f"seconds a run may take at most (it also ends after {STALL_S:.0f} s without output)",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="py-spy files here")
    parser.add_argument("--keep-logs", action="store_true", help="keep worker logs and state")
    args = parser.parse_args(argv)
    pages = args.pages or (150 if args.small else 4000)
    if pages < SITES:
        parser.error(f"--pages must be at least {SITES} (one page per site)")
    try:
        states = tuple(
            int(n)
            for n in (args.states or ("1000,5000" if args.small else "10000,100000,1000000")).split(
                ","
            )
        )
    except ValueError:
        parser.error("--states takes counts separated by commas, like 10000,100000")
    if not 1 <= args.runs <= pages // SITES:
        parser.error(f"--runs must be between 1 and --pages / {SITES}")
    if any(n < 2 * WINDOW * SITES for n in states):
        parser.error(f"each --states count must be at least {2 * WINDOW * SITES}")
    log_dir = Path(tempfile.mkdtemp(prefix="stream-bench-"))
    options = Options(
        pages=pages,
        latency_s=args.latency_seconds or (3.0 if args.small else 20.0),
        teasers=args.teasers or (10_000 if args.small else 1_000_000),
        stage_pages=min(pages, 1000),
        parse_iterations=100 if args.small else 1000,
        partitions=args.partitions,
        fetch_max_wait_ms=args.fetch_max_wait_ms or (10 if args.broker == "tansu" else 500),
        store={"memory": "memory://", "rocksdb": "rocksdb://"}[args.store],
        broker=args.broker,
        timeout_s=args.timeout,
        log_dir=log_dir,
        profile_dir=args.profile.resolve() if args.profile else None,
        states=states,
        runs=args.runs,
    )
    return args, options


def main(argv: list[str] | None = None) -> int:
    args, options = parse_args(argv)
    failed = True
    try:
        report = run_curve(options) if args.curve else run(options)
        failed = not report["correct"]
    except HarnessError as exc:
        print(f"bench_pipeline: could not measure: {exc}", file=sys.stderr)
        print(f"logs kept in {options.log_dir}", file=sys.stderr)
        return 2
    finally:
        if not failed and not args.keep_logs:
            shutil.rmtree(options.log_dir, ignore_errors=True)
    print(json.dumps(report, indent=2) if args.json else render_table(report))
    if failed:
        print(
            "\n*** THE PIPELINE GAVE WRONG RESULTS: see 'outputs of' above; the figures of a "
            f"wrong run mean nothing. Logs kept in {options.log_dir}",
            file=sys.stderr,
        )
        return 1
    return 0
