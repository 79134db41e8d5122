"""(b) and the scale-out: the pipeline fed live, one or more `stream run` workers in
one group, checked exactly, with the worker's CPU, RSS and stage times from its
`/metrics`; (c) follows on the same worker.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .feed import Feed
from .feeding import drive, rate_of
from .harness import Broker, CpuMeter, Options, broker_pid, fresh_settings, scrape
from .latency import measure_latency
from .processes import workers
from .profiler import Profiler
from .reading import dead_letters, names

STAGES = ("parse", "dedup", "enrich", "publish")


def measure_pipeline(
    broker: Broker,
    feed: Feed,
    options: Options,
    profiler: Profiler,
    *,
    label: str,
    count: int = 1,
    latency: bool = False,
) -> tuple[dict[str, Any], set[bytes], dict[str, Any] | None]:
    """(b) with `count` workers, and the unique teaser ids it read; with `latency`,
    then (c) on the same worker, which is in its steady state by then."""
    settings = fresh_settings(broker, label, options)
    expected = feed.pipeline_outputs(settings)
    with workers(settings, options, profiler, label, count) as group:
        before = [scrape(w) for w in group]
        with CpuMeter(broker_pid(broker)) as cpu:
            run = asyncio.run(drive(settings, feed.messages, expected, timeout_s=options.timeout_s))
        after = [scrape(w) for w in group]
        rate = rate_of(len(feed.messages), run)
        c = None
        if latency and rate is not None:
            c = measure_latency(settings, feed, expected, rate / 2, options)
        letters = asyncio.run(dead_letters(settings))
    problems = run.reading.problems(names(settings))
    if letters:
        problems.append(f"{letters} dead letters; every page of the feed is a valid article")
    pages = len(feed.messages)
    unique = len(feed.unique_ids)
    repeats = run.reading.repeats()
    result: dict[str, Any] = {
        "workers": count,
        "pages": pages,
        "unique_teasers_expected": unique,
        "unique_teasers_read": len(run.reading.arrivals[settings.topic_teasers]),
        "articles_read": len(run.reading.arrivals[settings.topic_articles]),
        "article_repeats": repeats[settings.topic_articles],
        "teaser_repeats": repeats[settings.topic_teasers],
        "dead_letters": letters,
        "seconds": run.seconds,
        "pages_per_s": rate,
        "produce_pages_per_s": pages / run.produce_s,
        **cpu.per_page(pages),
        "correct": not problems,
        "problems": problems,
    }
    if count == 1:
        result.update(worker_figures(before[0], after[0], pages=pages, unique=unique))
    else:
        cpu = sum(
            done.get("process_cpu_seconds_total", 0.0) - start.get("process_cpu_seconds_total", 0.0)
            for start, done in zip(before, after, strict=True)
        )
        result["worker_cpu_us_per_page"] = cpu / pages * 1e6
        result["pages_per_worker"] = [
            sum(v for k, v in a.items() if k.startswith("stream_pages_total{")) for a in after
        ]
    return result, set(run.reading.arrivals[settings.topic_teasers]), c


def worker_figures(
    before: dict[str, float], after: dict[str, float], *, pages: int, unique: int
) -> dict[str, Any]:
    """From the worker's /metrics around (b): CPU and RSS per unit, and its stage times."""

    def delta(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    stages = {}
    for stage in STAGES:
        total = delta(f'stream_stage_seconds_sum{{stage="{stage}"}}')
        count = delta(f'stream_stage_seconds_count{{stage="{stage}"}}')
        stages[stage] = {
            "observations": int(count),
            "mean_us": total / count * 1e6 if count else None,
            "us_per_page": total / pages * 1e6,
        }
    return {
        "worker_cpu_us_per_page": delta("process_cpu_seconds_total") / pages * 1e6,
        "worker_rss_growth_bytes_per_teaser": delta("process_resident_memory_bytes") / unique,
        "worker_stage_seconds": stages,
    }
