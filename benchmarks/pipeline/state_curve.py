"""The growing-state curve (issue 14): the pipeline on a preloaded topic, one worker
restarted over more and more teasers of dedup and near-duplicate state, checked
exactly, with its rate, CPU per page, time to ready and RSS per teaser of state.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterable
from typing import Any

from stream.kafka import group
from stream.kafka.topics import ensure_topics, partitions_of
from stream.settings import Settings
from stream.testing.feed import history_teasers
from stream.testing.workers import READY_TIMEOUT_S

from .feed import SITES, Feed
from .feeding import drive, preload_pages, preload_state
from .harness import Broker, HarnessError, Options, Progress, fresh_settings, scrape
from .processes import workers
from .profiler import Profiler
from .reading import dead_letters, names, stamped_rate


def measure_state(
    broker: Broker,
    feed: Feed,
    options: Options,
    profiler: Profiler,
    *,
    state: int,
    label: str,
) -> dict[str, Any]:
    """The pipeline on a preloaded topic, one worker restarted over `state` distinct
    teasers already in its dedup and near-duplicate state (0: a fresh worker).

    The state holds `state` teasers in all: older ones (`history_teasers`, another
    seed) and the window each site shows on the feed's first page, which the worker
    saw before its restart; so those must not come out again, and every output of
    the run is still checked exactly.

    The feed goes in `options.runs` consecutive runs, each measured apart (CPU per
    page between two scrapes, rate by broker timestamps) and the point is their
    median. The first run is on the topic before the restart; each later one is
    sent once the worker is idle, some 30 times faster than it consumes, so it
    too works through a backlog.
    """
    settings = fresh_settings(broker, label, options)
    asyncio.run(ensure_topics(settings, broker.bootstrap_servers, changelogs=True))
    preloaded: set[str] = set()
    preload_s = 0.0
    if state:
        window = {t.teaser_id: t for page in feed.pages[:SITES] for t in page.teasers}
        history = list(history_teasers(max(0, state - len(window)), sites=SITES))
        clash = {t.teaser_id for t in history} & feed.unique_ids
        if clash:
            raise HarnessError(
                f"{len(clash)} history teasers are also in the feed; change its seed"
            )
        started = time.perf_counter()
        asyncio.run(preload_state(settings, [*history, *window.values()]))
        preload_s = time.perf_counter() - started
        preloaded = {t.teaser_id for t in history} | set(window)
    parts = feed.split(options.runs)
    expected = [_expected(part, settings, preloaded) for part in parts]
    asyncio.run(preload_pages(settings, parts[0].messages))
    restart = time.perf_counter()
    # Restoring a month of state from the changelogs takes a while: faust reads ~2,000
    # records a second here (two per teaser) on a shared machine, ~8,000 on a quiet one.
    ready_timeout = READY_TIMEOUT_S + state * 2e-3
    runs: list[dict[str, Any]] = []
    problems: list[str] = []
    earlier: dict[str, frozenset[bytes]] = {}
    with workers(settings, options, profiler, label, ready_timeout_s=ready_timeout) as (worker,):
        ready_s = time.perf_counter() - restart
        for n, (part, wanted) in enumerate(zip(parts, expected, strict=True)):
            before = scrape(worker)
            sent = part.messages if n else []
            run = asyncio.run(
                drive(settings, sent, wanted, timeout_s=options.timeout_s, earlier=earlier)
            )
            after = scrape(worker)
            problems += [f"run {n + 1}: {p}" for p in run.reading.problems(names(settings))]
            cpu = after["process_cpu_seconds_total"] - before["process_cpu_seconds_total"]
            parsed = _pages_total(after) - _pages_total(before)
            repeats = run.reading.repeats()
            runs.append(
                {
                    "pages": len(part.messages),
                    "pages_per_s": stamped_rate(len(part.messages), run.reading),
                    # Per page processed between the two scrapes: a worker starts on a
                    # preloaded topic before /readyz answers, so the CPU of those first
                    # pages is left out.
                    "worker_cpu_us_per_page": cpu / parsed * 1e6 if parsed > 0 else None,
                    "unique_teasers_read": len(run.reading.arrivals[settings.topic_teasers]),
                    "article_repeats": repeats[settings.topic_articles],
                    "teaser_repeats": repeats[settings.topic_teasers],
                }
            )
            earlier = {
                topic: earlier.get(topic, frozenset()) | keys for topic, keys in wanted.items()
            }
        last = scrape(worker)
        letters = asyncio.run(dead_letters(settings))
    if letters:
        problems.append(f"{letters} dead letters; every page of the feed is a valid article")
    if problems:
        problems.append(asyncio.run(consumed_pages(settings)))
    held = int(last.get("stream_dedup_state_keys", -1))
    wanted_keys = len(preloaded | feed.unique_ids)
    if held != wanted_keys:
        problems.append(f"the dedup state holds {held} teasers where {wanted_keys} were sent to it")
    return {
        "state_teasers": len(preloaded),
        "pages": len(feed.messages),
        "unique_teasers_expected": len(feed.unique_ids - preloaded),
        "unique_teasers_read": sum(r["unique_teasers_read"] for r in runs),
        "article_repeats": sum(r["article_repeats"] for r in runs),
        "teaser_repeats": sum(r["teaser_repeats"] for r in runs),
        "dedup_state_keys": held,
        "preload_s": preload_s,
        "ready_after_restart_s": ready_s,
        "pages_per_s": _median(r["pages_per_s"] for r in runs),
        "worker_cpu_us_per_page": _median(r["worker_cpu_us_per_page"] for r in runs),
        "runs": runs,
        "worker_rss_bytes": last.get("process_resident_memory_bytes"),
        "correct": not problems,
        "problems": problems,
    }


def _expected(part: Feed, settings: Settings, preloaded: set[str]) -> dict[str, frozenset[bytes]]:
    """What the pipeline must make of one run of the feed, over `preloaded` state."""
    expected = part.pipeline_outputs(settings)
    expected[settings.topic_teasers] = frozenset(
        tid.encode() for tid in part.unique_ids - preloaded
    )
    return expected


def _median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


async def consumed_pages(settings: Settings) -> str:
    """What the group committed of the pages topic, against what the topic holds: a
    run that lost outputs says whether the pages were consumed (and marked done)."""
    servers = settings.bootstrap_servers
    assert servers
    tps = [
        (settings.topic_pages, p)
        for p in await partitions_of(settings, servers, settings.topic_pages)
    ]
    committed, _, ends = await group.offsets(
        settings, servers, tps, read_true_end=bool(settings.verify_end_offsets)
    )
    done = sum(c or 0 for c in committed.values())
    return f"the group committed {done} of the {sum(ends.values())} pages on the topic"


def _pages_total(samples: dict[str, float]) -> float:
    return sum(v for k, v in samples.items() if k.startswith("stream_pages_total{"))


def state_curve(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler, progress: Progress
) -> list[dict[str, Any]]:
    """`measure_state` at no state and at each of `options.states`, with the worker's
    RSS per distinct teaser against the run with no state."""
    curve = []
    for state in (0, *options.states):
        point = measure_state(broker, feed, options, profiler, state=state, label=f"s{state}")
        curve.append(point)
        each = ", ".join(f"{r['worker_cpu_us_per_page'] or 0:,.0f}" for r in point["runs"])
        progress(
            f"state {point['state_teasers']:,}: {point['pages_per_s'] or 0:.0f} pages/s, "
            f"CPU per page {point['worker_cpu_us_per_page'] or 0:,.0f} µs (runs {each}), "
            f"ready after {point['ready_after_restart_s']:.1f} s"
        )
    base = curve[0]["worker_rss_bytes"]
    for point in curve[1:]:
        rss = point["worker_rss_bytes"]
        point["rss_bytes_per_state_teaser"] = (
            (rss - base) / point["state_teasers"] if rss is not None and base is not None else None
        )
    return curve
