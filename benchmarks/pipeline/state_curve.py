"""The growing-state curve (issue 14): the pipeline working through a backlog, one
worker restarted over each of more and more teasers of dedup and near-duplicate
state, all restored first and then measured in turns, run by run, checked exactly,
with rate, CPU per page, time to ready and RSS per teaser of state.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from stream.kafka import group
from stream.kafka.topics import ensure_topics, partitions_of
from stream.settings import Settings
from stream.testing.feed import history_teasers
from stream.testing.workers import READY_TIMEOUT_S, WorkerProcess

from .feed import SITES, Feed
from .feeding import drive, preload_state
from .harness import Broker, HarnessError, Options, Progress, fresh_settings, scrape
from .processes import workers
from .profiler import Profiler
from .reading import dead_letters, names, stamped_rate


@dataclass
class _Point:
    """One state point of the curve: its topics and state, its worker, its runs."""

    state: int
    settings: Settings
    parts: list[Feed]
    expected: list[dict[str, frozenset[bytes]]]
    preloaded: set[str]
    preload_s: float
    ready_s: float = 0.0
    worker: WorkerProcess | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    earlier: dict[str, frozenset[bytes]] = field(default_factory=dict)


def _prepare(broker: Broker, feed: Feed, options: Options, *, state: int) -> _Point:
    """A point's topics, with `state` distinct teasers already in the changelogs of
    its dedup and near-duplicate tables (0: a fresh worker).

    The state holds `state` teasers in all: older ones (`history_teasers`, another
    seed) and the window each site shows on the feed's first page, which the worker
    saw before its restart; so those must not come out again, and every output of
    the run is still checked exactly.
    """
    settings = fresh_settings(broker, f"s{state}", options)
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
    return _Point(state, settings, parts, expected, preloaded, preload_s)


def _run(point: _Point, n: int, options: Options) -> None:
    """The point's run `n`: its pages sent (far faster than the worker consumes, so
    it works through a backlog), measured between two scrapes, checked exactly."""
    settings, part, wanted = point.settings, point.parts[n], point.expected[n]
    assert point.worker is not None
    before = scrape(point.worker)
    run = asyncio.run(
        drive(settings, part.messages, wanted, timeout_s=options.timeout_s, earlier=point.earlier)
    )
    after = scrape(point.worker)
    point.problems += [f"run {n + 1}: {p}" for p in run.reading.problems(names(settings))]
    cpu = after["process_cpu_seconds_total"] - before["process_cpu_seconds_total"]
    parsed = _pages_total(after) - _pages_total(before)
    repeats = run.reading.repeats()
    point.runs.append(
        {
            "pages": len(part.messages),
            "pages_per_s": stamped_rate(len(part.messages), run.reading),
            "worker_cpu_us_per_page": cpu / parsed * 1e6 if parsed > 0 else None,
            "unique_teasers_read": len(run.reading.arrivals[settings.topic_teasers]),
            "article_repeats": repeats[settings.topic_articles],
            "teaser_repeats": repeats[settings.topic_teasers],
        }
    )
    point.earlier = {
        topic: point.earlier.get(topic, frozenset()) | keys for topic, keys in wanted.items()
    }


def _finish(point: _Point, feed: Feed) -> dict[str, Any]:
    """The point's result, its worker still running: the median of its runs, and
    the checks of the whole (dead letters, the dedup keys it holds)."""
    assert point.worker is not None
    settings, runs, problems = point.settings, point.runs, point.problems
    last = scrape(point.worker)
    letters = asyncio.run(dead_letters(settings))
    if letters:
        problems.append(f"{letters} dead letters; every page of the feed is a valid article")
    if problems:
        problems.append(asyncio.run(consumed_pages(settings)))
    held = int(last.get("stream_dedup_state_keys", -1))
    wanted_keys = len(point.preloaded | feed.unique_ids)
    if held != wanted_keys:
        problems.append(f"the dedup state holds {held} teasers where {wanted_keys} were sent to it")
    return {
        "state_teasers": len(point.preloaded),
        "pages": len(feed.messages),
        "unique_teasers_expected": len(feed.unique_ids - point.preloaded),
        "unique_teasers_read": sum(r["unique_teasers_read"] for r in runs),
        "article_repeats": sum(r["article_repeats"] for r in runs),
        "teaser_repeats": sum(r["teaser_repeats"] for r in runs),
        "dedup_state_keys": held,
        "preload_s": point.preload_s,
        "ready_after_restart_s": point.ready_s,
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
    """The pipeline at no state and at each of `options.states`, one worker each,
    with the worker's RSS per distinct teaser against the one with no state.

    Every point's worker is restored first and kept running; then the points take
    turns, run by run (no state, 10k, 1M, no state, 10k, ...), each run measured
    apart and a point the median of its runs. A machine whose speed drifts over the
    minutes a large state takes to restore moves every point alike, where points
    measured one after the other had differed by more than the 10 % they measure.
    """
    points = [_prepare(broker, feed, options, state=state) for state in (0, *options.states)]
    with contextlib.ExitStack() as stack:
        for point in points:
            # Restoring a month of state from the changelogs takes a while: faust
            # reads ~2,000-8,000 records a second here (two per teaser).
            timeout = READY_TIMEOUT_S + point.state * 2e-3
            started = time.perf_counter()
            label = f"s{point.state}"
            (point.worker,) = stack.enter_context(
                workers(point.settings, options, profiler, label, ready_timeout_s=timeout)
            )
            point.ready_s = time.perf_counter() - started
            progress(f"state {len(point.preloaded):,}: ready after {point.ready_s:.1f} s")
        for n in range(options.runs):
            for point in points:
                _run(point, n, options)
        curve = [_finish(point, feed) for point in points]
    for point in curve:
        each = ", ".join(f"{r['worker_cpu_us_per_page'] or 0:,.0f}" for r in point["runs"])
        progress(
            f"state {point['state_teasers']:,}: {point['pages_per_s'] or 0:.0f} pages/s, "
            f"CPU per page {point['worker_cpu_us_per_page'] or 0:,.0f} µs (runs {each})"
        )
    base = curve[0]["worker_rss_bytes"]
    for point in curve[1:]:
        rss = point["worker_rss_bytes"]
        point["rss_bytes_per_state_teaser"] = (
            (rss - base) / point["state_teasers"] if rss is not None and base is not None else None
        )
    return curve
