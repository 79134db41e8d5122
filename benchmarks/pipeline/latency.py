"""(c): end-to-end latency, page sent to its article and its first-sighted teasers
readable, at a fixed offered rate into a worker in its steady state.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from stream.settings import Settings

from .feed import Feed
from .feeding import drive
from .harness import Options
from .reading import names


def measure_latency(
    settings: Settings,
    feed: Feed,
    earlier: dict[str, frozenset[bytes]],
    rate: float,
    options: Options,
) -> dict[str, Any]:
    """(c): the pages that follow `feed`, at a fixed `rate`, into a worker that has
    already seen `feed` (so the pages carry a few new teasers each, as in production).

    A page's latency runs from its send to the moment its article and every teaser
    first seen on it (`first_page_id`) were all readable.
    """
    count = max(20, math.ceil(rate * options.latency_s))
    later = feed.then(count)
    expected = later.pipeline_outputs(settings)
    run = asyncio.run(
        drive(
            settings,
            later.messages,
            expected,
            timeout_s=options.latency_s * 2 + options.timeout_s,
            earlier=earlier,
            rate=rate,
            decode_teasers=True,
        )
    )
    reading = run.reading
    problems = reading.problems(names(settings))
    done: dict[str, float] = {}
    for tid, page in reading.first_pages.items():
        done[page] = max(done.get(page, 0.0), reading.arrivals[settings.topic_teasers][tid])
    articles = reading.arrivals[settings.topic_articles]
    # The first second: the reader and the worker's fetchers settle after (b).
    warmup = min(1.0, options.latency_s / 6)
    latencies = []
    for pid, sent in zip(later.page_ids, run.sent_at, strict=True):
        arrived = articles.get(pid.encode())
        if arrived is None or sent - run.first_sent < warmup:
            continue
        latencies.append((max(arrived, done.get(pid, 0.0)) - sent) * 1000)
    latencies.sort()

    def pct(q: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] if latencies else None

    span = run.sent_at[-1] - run.first_sent
    return {
        "target_pages_per_s": rate,
        "offered_pages_per_s": (count - 1) / span if span > 0 else None,
        "pages": count,
        "new_teasers": len(later.unique_ids),
        "pages_timed": len(latencies),
        "warmup_s": warmup,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] if latencies else None,
        "correct": not problems,
        "problems": problems,
    }
