"""The two runs, each on one broker: the whole benchmark (`run`: (a) to (e), the
scale-out and the state curve) and `--curve` (`run_curve`: the preloaded
pass-throughs and the state curve), each assembled into one report.
"""

from __future__ import annotations

from typing import Any

from .feed import Feed
from .harness import HarnessError, Options, Progress, start_broker
from .memory import measure_memory
from .passthroughs import measure_faust_floor, measure_passthrough, measure_passthrough_preloaded
from .profiler import Profiler
from .report import check_of, curve_report, curve_rows, machine, repeats_note, rows
from .stages import measure_stages
from .state_curve import state_curve
from .throughput import measure_pipeline

# A rate over less than this is mostly start-up and the feed's first full windows.
MIN_SUSTAINED_S = 10.0


def starting(options: Options) -> tuple[dict[str, Any], Progress, Feed, Profiler]:
    """What every run begins with: the machine's state, the feed, the profiler."""
    start_machine, progress = machine(), Progress()
    feed = Feed.build(options.pages)
    profiler = Profiler(options.profile_dir)
    progress(f"feed of {options.pages} pages built; starting the broker ({options.broker})")
    return start_machine, progress, feed, profiler


def run_curve(options: Options) -> dict[str, Any]:
    """`--curve`: only the preloaded pass-through and the state curve."""
    start_machine, progress, feed, profiler = starting(options)
    with start_broker(options.broker) as broker:
        a_pre = measure_passthrough_preloaded(broker, feed, options, profiler)
        progress(f"(a) pass-through, preloaded topic: {a_pre['pages_per_s'] or 0:.0f} pages/s")
        a_faust = measure_faust_floor(broker, feed, options, profiler, progress)
        curve = state_curve(broker, feed, options, profiler, progress)
    report = curve_report(options, feed, a_pre, curve, a_faust)
    report["machine"] = start_machine
    report["settings"] = {**report["settings"], "latency_s": 0.0, "teasers": 0}
    report["rows"] = curve_rows(report)
    report["correct"] = all(check["correct"] for check in report["checks"].values())
    report["warnings"] = []
    report["machine_end"] = machine()
    return report


def run(options: Options) -> dict[str, Any]:
    start_machine, progress, feed, profiler = starting(options)
    with start_broker(options.broker) as broker:
        a = measure_passthrough(broker, feed, options, profiler)
        progress(f"(a) pass-through: {a['pages_per_s'] or 0:.0f} pages/s")
        a_pre = measure_passthrough_preloaded(broker, feed, options, profiler)
        progress(f"(a) pass-through, preloaded topic: {a_pre['pages_per_s'] or 0:.0f} pages/s")
        a_faust = measure_faust_floor(broker, feed, options, profiler, progress)
        b, one, c = measure_pipeline(broker, feed, options, profiler, label="b", latency=True)
        if c is None:
            raise HarnessError(f"(b) never completed, so (c) has no rate: {b['problems']}")
        progress(f"(b) 1 worker: {b['pages_per_s']:.1f} pages/s; (c) p99 {c['p99_ms'] or 0:.0f} ms")
        s, two, _ = measure_pipeline(broker, feed, options, profiler, label="scale", count=2)
        progress(f"scale-out, 2 workers: {s['pages_per_s'] or 0:.1f} pages/s")
        curve = state_curve(broker, feed, options, profiler, progress)
    identical = one == two
    s["unique_identical_to_one_worker"] = identical
    if not identical:
        s["problems"].append("the unique teaser ids of 2 workers differ from those of 1 worker")
        s["correct"] = False
    d = measure_stages(feed, options)
    progress(f"(d) stages over {d['pages']} pages in process")
    e = measure_memory(options)
    progress(f"(e) dedup memory at {options.teasers:,} ids")
    ratio = b["pages_per_s"] / a["pages_per_s"] if a["pages_per_s"] and b["pages_per_s"] else None
    preloaded = curve_report(options, feed, a_pre, curve, a_faust)
    report: dict[str, Any] = {
        **preloaded,
        "settings": {
            **preloaded["settings"],
            "latency_s": options.latency_s,
            "teasers": options.teasers,
            "stage_pages": min(options.stage_pages, options.pages),
        },
        "machine": start_machine,
        "passthrough": a,
        "pipeline": b,
        "ratio": ratio,
        "latency": c,
        "stages": d,
        "memory": e,
        "scale_out": s,
        "profiles": profiler.summary(),
    }
    report["checks"] = {
        "(a) pass-through": {**check_of(a), "note": repeats_note(a.get("repeats", 0))},
        "(b) 1 worker": {
            **check_of(b),
            "note": repeats_note(b["article_repeats"] + b["teaser_repeats"]),
        },
        **preloaded["checks"],
        "(c) latency run": check_of(c),
        "scale-out": {
            **check_of(s),
            "note": repeats_note(s["article_repeats"] + s["teaser_repeats"])
            + f", unique set identical to 1 worker: {identical}",
        },
        "(e) dedup stores": {
            "correct": not any(m.get("problems") for m in e.values()),
            "problems": [p for m in e.values() for p in m.get("problems", [])],
        },
    }
    report["correct"] = all(check["correct"] for check in report["checks"].values())
    report["warnings"] = [
        f"{name} lasted {r['seconds']:.1f} s, too short for a sustained rate: raise --pages"
        for name, r in (("(a)", a), ("(b)", b), ("scale-out", s))
        if r["seconds"] is not None and r["seconds"] < MIN_SUSTAINED_S
    ]
    report["machine_end"] = machine()
    report["rows"] = rows(report)
    return report
