"""(d): the cost of each stage function of `stream.pipeline` (parse, dedup,
enrichment, the agents' codec) per page, in this process, and `parse_page` on the
sample pages (`bench_parse`).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import bench_parse  # a sibling: benchmarks/ is on sys.path when run as a script

from stream import codec, pipeline
from stream.dedup import RecentlyForwarded, first_sightings, record_seen, route_sightings
from stream.intake import InputMessage
from stream.models import TeaserBatch
from stream.settings import Settings

from .feed import Feed
from .harness import HarnessError, Options


def timed(fn: Callable[[], Any], into: list[float]) -> Any:
    start = time.perf_counter()
    result = fn()
    into.append((time.perf_counter() - start) * 1e6)
    return result


def distribution(runs: list[float]) -> dict[str, float | None]:
    if not runs:
        return {"mean_us": None, "p50_us": None, "p99_us": None}
    ordered = sorted(runs)
    return {
        "mean_us": statistics.fmean(ordered),
        "p50_us": ordered[len(ordered) // 2],
        "p99_us": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def measure_stages(feed: Feed, options: Options) -> dict[str, Any]:
    """(d): each stage function of `stream.pipeline`, per page, in this process.

    State evolves as in a worker: one dedup dict and one enricher store for the
    whole feed, so the first page pays for 100 new teasers and later ones for ~3.
    """
    settings = Settings(partitions=options.partitions)
    now = dt.datetime.now(dt.UTC)
    pages = feed.messages[: options.stage_pages]
    inputs = [
        InputMessage(value=value, key=key, topic=settings.topic_pages, offset=n)
        for n, (key, value, _) in enumerate(pages)
    ]
    for message in inputs[:20]:  # warm-up: regex compilation, the gazetteer, caches
        pipeline.process_page(message, settings, now=now)
    seen: dict[str, Any] = {}
    forwarded = RecentlyForwarded(settings.forward_cache_teasers, ttl_s=3_600.0)
    enricher = pipeline.TeaserEnricher({}, threshold=settings.near_duplicate_threshold)
    parse: list[float] = []
    codec_us: list[float] = []
    dedup: list[float] = []
    enrich: list[float] = []
    per_teaser: list[float] = []
    for message in inputs:
        result = timed(
            lambda m=message: pipeline.process_page(m, settings, now=now, people=enricher.people),
            parse,
        )
        if result.article is None:
            raise HarnessError(f"a feed page became a dead letter in process: {result.dead_letter}")

        def dedup_page(r: pipeline.PageResult = result) -> tuple[Any, list[Any]]:
            # Routing past the forward cache, then the owner's check and record.
            batches, _ = route_sightings([r], partitions=settings.partitions, forwarded=forwarded)
            fresh = first_sightings(batches.values(), seen)
            record_seen(seen, fresh, time.time())
            return batches, fresh

        batches, fresh = timed(dedup_page, dedup)
        # What the worker's agents encode and decode around the stages.
        timed(
            lambda r=result, b=batches: (
                [codec.loads_model(TeaserBatch, codec.dumps(x)) for x in b.values()]
                + [codec.dumps(r.article)]
            ),
            codec_us,
        )
        spent: list[float] = []
        for sighting in fresh:
            timed(lambda s=sighting: enricher.enrich(pipeline.teaser_of(s)), spent)
        per_teaser.extend(spent)
        enrich.append(sum(spent))
    samples = {}
    for name in bench_parse.PAGES:
        text = (bench_parse.FIXTURES / name).read_text(encoding="utf-8")
        samples[name] = bench_parse.measure(text, "text/plain", options.parse_iterations)
    return {
        "pages": len(inputs),
        "process_page": distribution(parse),
        "codec": distribution(codec_us),
        "dedup": distribution(dedup),
        "enrich_per_page": distribution(enrich),
        "enrich_per_new_teaser": distribution(per_teaser),
        "new_teasers": len(per_teaser),
        "parse_page_samples": samples,
    }
