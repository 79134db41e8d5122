"""Cost of hostile input: every kind of `stream/testing/hostile.py` through `process_page`.

Each kind (empty, binary, broken envelopes, oversize, 10,000-deep HTML, a 1 MB line,
inputs built for each regular expression, ...) goes through
`stream.pipeline.process_page`, the function the worker's pages agent calls, several
times after a warm-up, with `time.perf_counter` around each call. It reports the
worst and median time per kind, the outcome (a dead-letter reason or `article`, and
whether it is the one the catalogue expects), the largest record the page makes as
JSON (what the worker would publish), the time to enrich the page's teasers, and the
peak RSS of the process (`resource.getrusage`) after the gazetteer is loaded and
after the whole run. The goal: no page above 100 ms, no record above the page limit.

    python benchmarks/bench_hostile.py                  # table
    python benchmarks/bench_hostile.py --json           # one JSON object
    python benchmarks/bench_hostile.py --runs 10 --max-page-bytes 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from typing import Any

from stream import codec, enrich
from stream.intake import InputMessage
from stream.pipeline import (
    PageResult,
    TeaserEnricher,
    process_page,
    route_sightings,
    teaser_of,
)
from stream.settings import Settings
from stream.testing.hostile import ARTICLE, Hostile, catalogue

NOW = dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)
BUDGET_MS = 100.0


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def outcome(result: PageResult) -> str:
    return result.dead_letter.reason if result.dead_letter is not None else ARTICLE


def largest_record(result: PageResult, settings: Settings) -> int:
    batches, _ = route_sightings([result], partitions=settings.partitions)
    records = [result.dead_letter, result.article, *batches.values()]
    return max(len(codec.dumps(r)) for r in records if r is not None)


def enrich_ms(result: PageResult, settings: Settings) -> float:
    """Time to enrich the page's teasers, all first sightings, as the fresh agent would."""
    enricher = TeaserEnricher({}, threshold=settings.near_duplicate_threshold)
    batches, _ = route_sightings([result], partitions=settings.partitions)
    sightings = [s for batch in batches.values() for s in batch.sightings]
    start = time.perf_counter()
    for sighting in sightings:
        enricher.enrich(teaser_of(sighting))
    return (time.perf_counter() - start) * 1e3


def measure(hostile: Hostile, settings: Settings, runs: int) -> dict[str, Any]:
    message = InputMessage(
        value=hostile.value, key=hostile.kind.encode(), headers=hostile.headers, timestamp=NOW
    )
    result = process_page(message, settings, now=NOW)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = process_page(message, settings, now=NOW)
        times.append((time.perf_counter() - start) * 1e3)
    got = outcome(result)
    return {
        "bytes": len(hostile.value or b""),
        "outcome": got,
        "expected": hostile.outcome,
        "worst_ms": max(times),
        "p50_ms": statistics.median(times),
        "largest_record_bytes": largest_record(result, settings),
        "enrich_ms": enrich_ms(result, settings),
    }


def run(runs: int, max_page_bytes: int) -> dict[str, Any]:
    settings = Settings(max_page_bytes=max_page_bytes)
    enrich.preload()
    rss_start = peak_rss_mib()
    kinds = {h.kind: measure(h, settings, runs) for h in catalogue(max_page_bytes)}
    worst_kind = max(kinds, key=lambda k: kinds[k]["worst_ms"])
    return {
        "runs": runs,
        "python": sys.version.split()[0],
        "load_average": os.getloadavg(),
        "max_page_bytes": max_page_bytes,
        "budget_ms": BUDGET_MS,
        "kinds": kinds,
        "worst_kind": worst_kind,
        "worst_ms": kinds[worst_kind]["worst_ms"],
        "over_budget": sorted(k for k, row in kinds.items() if row["worst_ms"] > BUDGET_MS),
        "unexpected": sorted(k for k, row in kinds.items() if row["outcome"] != row["expected"]),
        "records_over_limit": sorted(
            k for k, row in kinds.items() if row["largest_record_bytes"] > max_page_bytes
        ),
        "peak_rss_mib_after_preload": rss_start,
        "peak_rss_mib": peak_rss_mib(),
    }


def print_table(report: dict[str, Any]) -> None:
    load = ", ".join(f"{x:.2f}" for x in report["load_average"])
    print(
        f"process_page on hostile input, {report['runs']} runs per kind, "
        f"max_page_bytes {report['max_page_bytes']:,}, Python {report['python']}, load {load}"
    )
    print(
        f"{'kind':<36}{'bytes':>10}  {'outcome':<13}{'worst ms':>9}{'p50 ms':>8}"
        f"{'record B':>10}{'enrich ms':>10}"
    )
    for kind, row in report["kinds"].items():
        mark = "" if row["outcome"] == row["expected"] else f"  (expected {row['expected']})"
        print(
            f"{kind:<36}{row['bytes']:>10,}  {row['outcome']:<13}{row['worst_ms']:>9.1f}"
            f"{row['p50_ms']:>8.1f}{row['largest_record_bytes']:>10,}{row['enrich_ms']:>10.1f}"
            f"{mark}"
        )
    print(
        f"worst: {report['worst_kind']} {report['worst_ms']:.1f} ms "
        f"(budget {report['budget_ms']:.0f} ms; over: {report['over_budget'] or 'none'}); "
        f"unexpected outcomes: {report['unexpected'] or 'none'}; "
        f"records over the limit: {report['records_over_limit'] or 'none'}"
    )
    print(
        f"peak RSS: {report['peak_rss_mib_after_preload']:.0f} MiB after preload, "
        f"{report['peak_rss_mib']:.0f} MiB after the run"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per kind")
    parser.add_argument(
        "--max-page-bytes",
        type=int,
        default=Settings().max_page_bytes,
        help="page limit the inputs are sized against (STREAM_MAX_PAGE_BYTES)",
    )
    args = parser.parse_args(argv)
    report = run(args.runs, args.max_page_bytes)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
