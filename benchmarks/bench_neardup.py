"""CPU of the near-duplicate index per new teaser, by part, on the benchmark crawl.

One process records the crawl's distinct teasers (`stream.testing.feed.crawl_feed`,
2,500 pages: long leads, templated daily reports) but the last 2,000 in one
`NearDuplicateIndex` over a dict; each pass then runs in a child forked from that
state (the same index, the same caches of spellings, nothing learnt from the pass
before) and times, per teaser of the last 2,000:

- `reading`: `facts` + `content_words`, as the index reads a new teaser;
- `candidates`: `WordIndex.candidates` for its content words;
- `check_and_add`: the whole of it, reading included, as the worker calls it.

CPU time (`time.process_time`), the minimum over passes: the machine is shared.
`--state N` first opens the index over N older teasers (`history_teasers`, the
state the pipeline benchmark's curve preloads), read from their stored records as a
restarted worker reads its table: the cost per new teaser as the state grows.

    python benchmarks/bench_neardup.py                   # this checkout
    python benchmarks/bench_neardup.py --state 1000000   # over a million older teasers
    python benchmarks/bench_neardup.py --against ../main # interleaved with another one

`--stream-recall D,...` measures instead what the bound on candidates costs in
recall: the labelled rewordings found when D realistic teasers came in between
(see `stream_recall`).

    python benchmarks/bench_neardup.py --stream-recall 0,800,3000 --state 10000

`--against DIR` runs the same measurement on the `stream` package of another
checkout in turns with this one (DIR/stream), so that both see the same load.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = 2_500
CHECKED = 2_000
THRESHOLD = 0.5  # `Settings.near_duplicate_threshold`


def measure(passes: int, state: int = 0) -> dict[str, Any]:
    from stream.enrich import preload
    from stream.enrich.neardup import NearDuplicateIndex
    from stream.enrich.neardup.index import teaser_text
    from stream.enrich.neardup.story import content_words, facts
    from stream.testing.feed import crawl_feed

    preload()
    seen: dict[str, str] = {}
    for page in crawl_feed(PAGES):
        for t in page.teasers:
            seen.setdefault(t.teaser_id, teaser_text(t.headline, t.lead))
    texts = list(seen.items())
    store = _CountingStore(_older_records(state))
    # Opened over their records, as a restarted worker opens its table.
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    first = len(texts) - CHECKED
    for n, (tid, text) in enumerate(texts[:first]):
        index.check_and_add(tid, text, now=float(n))
    checked = texts[first:]
    gc.collect()

    def parts() -> dict[str, float]:
        started = time.process_time()
        read = [facts(text) for _, text in checked]
        words = [content_words(text, own) for (_, text), own in zip(checked, read, strict=True)]
        reading = time.process_time()
        found = [index._words.candidates(w, index.threshold) for w in words]  # noqa: SLF001
        done = time.process_time()
        return {
            "reading_us": (reading - started) / CHECKED * 1e6,
            "candidates_us": (done - reading) / CHECKED * 1e6,
            "candidates_per_teaser": sum(map(len, found)) / CHECKED,
        }

    def whole() -> dict[str, float]:
        store.reads = 0
        started = time.process_time()
        flagged = sum(
            index.check_and_add(tid, text, now=float(first + n)) is not None
            for n, (tid, text) in enumerate(checked)
        )
        spent = time.process_time() - started
        return {
            "check_and_add_us": spent / CHECKED * 1e6,
            "flagged": flagged,
            # Records read past the index's cache: in the worker each is a RocksDB read.
            "records_read_per_teaser": store.reads / CHECKED,
        }

    best: dict[str, Any] = {}
    for _ in range(passes):
        for part in (parts, whole):
            for key, value in _forked(part).items():
                best[key] = min(best.get(key, value), value)
    return {
        "stream": str(Path(sys.modules["stream"].__file__ or "").parent),
        "state": state,
        "recorded": first,
        "checked": CHECKED,
        "passes": passes,
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in best.items()},
        "load_1min": round(os.getloadavg()[0], 2),
    }


def _older_records(state: int) -> dict[str, Any]:
    """The stored records of `state` older teasers (`history_teasers`), as the index
    writes them: the state the pipeline benchmark's curve preloads."""
    from stream.enrich.neardup.index import stored_record, teaser_text
    from stream.testing.feed import history_teasers

    records: dict[str, Any] = {}
    for seq, old in enumerate(history_teasers(state) if state else ()):
        key, record = stored_record(old.teaser_id, teaser_text(old.headline, old.lead), seq, 0.0)
        records[key] = record
    return records


class _CountingStore(dict[str, Any]):
    """A dict that counts the records the index reads (`get`)."""

    reads = 0

    def get(self, key: str, default: Any = None) -> Any:
        self.reads += 1
        return super().get(key, default)


def stream_recall(
    distances: list[int], state: int, compared: int | None = None
) -> list[dict[str, Any]]:
    """How many rewordings the index finds when other news came in between.

    The index's verdicts are `same_story`'s rule applied to candidates, and a
    candidate is among the newest `COMPARED` teasers of one of the new teaser's
    words; so a story whose words all saw that many newer teasers is no longer
    compared. For each distance D: over `state` older teasers, the first teaser of
    every labelled same-story pair the rule takes, then D realistic teasers (the
    fresh set and the sample teasers, numbered once they repeat), then each second
    teaser: found when it gets a verdict. The rule takes every pair measured and
    the index applies it exactly, so with every older teaser compared each would
    find its first teaser (or an older one the rule also takes); a miss is the
    bound's.
    """
    from stream.enrich import preload
    from stream.enrich.neardup import NearDuplicateIndex, words
    from stream.enrich.neardup.index import teaser_text
    from stream.enrich.neardup.story import same_story

    if compared is not None:
        # A lever measured, not a setting: `candidates` reads the module's bound.
        words.COMPARED = compared  # type: ignore[misc]
    preload()
    fixtures = ROOT / "tests" / "fixtures"
    pairs = [
        (p["a"], p["b"])
        for p in json.loads((fixtures / "neardup_pairs.json").read_text())["pairs"]
        if p["same_story"] and same_story(p["a"], p["b"], threshold=THRESHOLD)
    ]
    news = [
        teaser_text(t.get("headline"), t.get("lead"))
        for name in ("fresh_teasers.json", "teaser_labels.json")
        for t in json.loads((fixtures / name).read_text())["teasers"]
    ]
    older = _older_records(state)
    results = []
    for distance in distances:
        index = NearDuplicateIndex(dict(older), threshold=THRESHOLD)
        for n, (first, _) in enumerate(pairs):
            index.check_and_add(f"first-{n}", first, now=1.0)
        for n in range(distance):
            text = news[n % len(news)] + (f" {n}" if n >= len(news) else "")
            index.check_and_add(f"news-{n}", text, now=1.0)
        found = sum(
            index.check_and_add(f"second-{n}", second, now=1.0) is not None
            for n, (_, second) in enumerate(pairs)
        )
        results.append(
            {
                "distance": distance,
                "state": state,
                "compared": words.COMPARED,
                "pairs": len(pairs),
                "found": found,
                "recall": round(found / len(pairs), 3),
            }
        )
    return results


def _forked(part: Any) -> dict[str, float]:
    """`part()` in a child forked from this state, its result sent back as JSON."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without cleaning up
        os.close(read_end)
        os.write(write_end, json.dumps(part()).encode())
        os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 65_536):
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    result: dict[str, float] = json.loads(data)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3, help="passes, the minimum kept")
    parser.add_argument("--against", type=Path, help="another checkout, measured in turns")
    parser.add_argument("--rounds", type=int, default=3, help="turns with --against")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    parser.add_argument("--state", type=int, default=0, help="older teasers in the index first")
    parser.add_argument(
        "--stream-recall",
        metavar="D,D,...",
        help="instead: the rewordings found with D realistic teasers in between",
    )
    parser.add_argument(
        "--compared",
        type=int,
        help="with --stream-recall: the newest N of each word compared instead of COMPARED",
    )
    args = parser.parse_args(argv)
    if args.stream_recall:
        sys.path.insert(0, os.environ.get(_ROOT_VARIABLE, str(ROOT)))
        distances = [int(d) for d in args.stream_recall.split(",")]
        for r in stream_recall(distances, args.state, args.compared):
            print(
                json.dumps(r)
                if args.json
                else f"{r['found']} of {r['pairs']} rewordings found ({r['recall']:.3f}) with "
                f"{r['distance']:,} teasers in between, over {r['state']:,} older, "
                f"comparing the newest {r['compared']} of each word",
                flush=True,
            )
        return 0
    if args.against is None:
        sys.path.insert(0, os.environ.get(_ROOT_VARIABLE, str(ROOT)))
        result = measure(args.passes, args.state)
        print(json.dumps(result) if args.json else _line(result))
        return 0
    for _ in range(args.rounds):
        for root in (args.against.resolve(), ROOT):
            out = subprocess.run(
                [
                    *(sys.executable, __file__, "--passes", str(args.passes), "--json"),
                    *("--state", str(args.state)),
                ],
                env={**os.environ, _ROOT_VARIABLE: str(root)},
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout)
            print(json.dumps(result) if args.json else _line(result), flush=True)
    return 0


# The checkout whose `stream` a run with `--against` measures in a child process.
_ROOT_VARIABLE = "BENCH_NEARDUP_ROOT"


def _line(r: dict[str, Any]) -> str:
    return (
        f"{r['stream']}: reading {r['reading_us']:.0f} µs, candidates "
        f"{r['candidates_us']:.0f} µs ({r['candidates_per_teaser']:.1f} per teaser), "
        f"check_and_add {r['check_and_add_us']:.0f} µs per new teaser "
        f"(min of {r['passes']}; {r['checked']} checked after {r.get('state', 0)} older "
        f"and {r['recorded']} of the crawl; "
        f"{r['flagged']} flagged; {r['records_read_per_teaser']:.2f} records read a teaser; "
        f"load {r['load_1min']})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
