"""(a): the pass-throughs, pages copied unchanged by `passthrough.py` (aiokafka) fed
live or from a preloaded topic, and by `faust_passthrough.py` (the worker's faust App)
from a preloaded topic: the floors the pipeline is measured against.
"""

from __future__ import annotations

import asyncio
from typing import Any

from stream.kafka.topics import ensure_topics

from .feed import Feed
from .feeding import drive, preload_pages, rate_of
from .harness import Broker, CpuMeter, Options, Progress, broker_pid, cpu_seconds, fresh_settings
from .processes import passthrough
from .profiler import Profiler
from .reading import stamped_rate


def measure_passthrough(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler
) -> dict[str, Any]:
    settings = fresh_settings(broker, "a", options)
    asyncio.run(ensure_topics(settings, broker.bootstrap_servers))
    expected = feed.passthrough_outputs(settings)
    with passthrough(settings, options, profiler), CpuMeter(broker_pid(broker)) as cpu:
        run = asyncio.run(drive(settings, feed.messages, expected, timeout_s=options.timeout_s))
    problems = run.reading.problems({settings.topic_articles: "copied pages"})
    return {
        "pages": len(feed.messages),
        "seconds": run.seconds,
        "pages_per_s": rate_of(len(feed.messages), run),
        "produce_pages_per_s": len(feed.messages) / run.produce_s,
        "repeats": sum(run.reading.repeats().values()),
        **cpu.per_page(len(feed.messages)),
        "correct": not problems,
        "problems": problems,
    }


def measure_passthrough_preloaded(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler, *, faust: bool = False
) -> dict[str, Any]:
    """(a) on a preloaded topic: the pages are all there before the copy starts, so
    the feeder is out of the measurement (the honest denominator of the ratio).

    `faust`: the copy through the worker's own faust App (`faust_passthrough.py`), the
    floor of any faust worker on this machine, which tells faust's cost from ours.
    """
    settings = fresh_settings(broker, "a-faust" if faust else "a-pre", options)
    asyncio.run(ensure_topics(settings, broker.bootstrap_servers, changelogs=faust))
    produce_rate = asyncio.run(preload_pages(settings, feed.messages))
    expected = feed.passthrough_outputs(settings)
    script = "faust_passthrough.py" if faust else "passthrough.py"
    with (
        passthrough(settings, options, profiler, script) as pid,
        CpuMeter(broker_pid(broker)) as cpu,
    ):
        started = cpu_seconds(pid)
        run = asyncio.run(drive(settings, [], expected, timeout_s=options.timeout_s))
        used = cpu_seconds(pid) - started
    problems = run.reading.problems({settings.topic_articles: "copied pages"})
    pages = len(feed.messages)
    return {
        "pages": pages,
        "pages_per_s": stamped_rate(pages, run.reading),
        "preload_pages_per_s": produce_rate,
        "process_cpu_us_per_page": used / pages * 1e6,
        "repeats": sum(run.reading.repeats().values()),
        **cpu.per_page(pages),
        "correct": not problems,
        "problems": problems,
    }


def measure_faust_floor(
    broker: Broker, feed: Feed, options: Options, profiler: Profiler, progress: Progress
) -> dict[str, Any]:
    a_faust = measure_passthrough_preloaded(broker, feed, options, profiler, faust=True)
    progress(f"(a) faust pass-through, preloaded topic: {a_faust['pages_per_s'] or 0:.0f} pages/s")
    return a_faust
