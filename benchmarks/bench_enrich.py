"""Quality and cost of `stream.enrich` against the hand-labelled sample teasers.

Runs `enrich_teaser` over every teaser of `tests/fixtures/teaser_labels.json` in
page order, with a fresh `PeopleIndex` that learns as it goes (as the worker's
does), and prints precision, recall and F1 per field plus the cost per teaser.

    python benchmarks/bench_enrich.py            # table
    python benchmarks/bench_enrich.py --json     # one JSON object
    python benchmarks/bench_enrich.py --errors   # every disagreement, to read
    python benchmarks/bench_enrich.py --neardup  # the near-duplicate threshold evidence

The scoring itself is `stream.enrich.scoring` (the test suite asserts its
targets); this script prints it, with the cost and the near-duplicate evidence.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stream.enrich import PeopleIndex, enrich_teaser, preload  # noqa: E402
from stream.enrich.scoring import TARGETS, evaluate, load_labels  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "teaser_labels.json"

#: Rewordings editors make of one teaser (restyled attribution, a number updated,
#: a word swapped, a clause added or dropped), for sample teasers; lead unchanged.
REWORDINGS = (
    (
        "Russia never received 20-point 'document' on Ukraine, Lavrov says",
        "Russia never received 20-point document on Ukraine — Lavrov",
    ),
    (
        "5 civilians killed, 9 wounded in Ukraine’s attacks on Zaporozhye Region during day",
        "6 civilians killed, 11 wounded in Ukraine’s attacks on Zaporozhye Region over past day",
    ),
    (
        "Zelensky may announce holding elections, referendum in Ukraine — FT",
        "Zelensky may announce elections and referendum in Ukraine, FT reports",
    ),
    (
        "US studies possibility of capturing tankers with Iranian oil — newspaper",
        "US considering seizing tankers carrying Iranian oil — WSJ",
    ),
    (
        "Helicopter crashes into river in New York — police",
        "Sightseeing helicopter crashes into Hudson River in New York — police",
    ),
    (
        "Ten people killed in shooting at school in western Canada — TV",
        "Ten killed in school shooting in western Canada — TV",
    ),
    (
        "Kremlin confirms Moscow’s contacts with France",
        "Kremlin confirms Moscow has contacts with Paris",
    ),
    (
        "Trump demands half ownership of bridge between US, Canada",
        "Trump wants half ownership of new bridge between US and Canada",
    ),
    (
        "Xi Jinping to visit Vietnam, Malaysia, Cambodia on April 14-18",
        "Chinese leader Xi Jinping to visit Vietnam, Malaysia and Cambodia",
    ),
    (
        "US duties against China increased to 145% — CNBC",
        "US tariffs on China now total 145% — CNBC",
    ),
    (
        "Gold futures climb above $3,200 per troy ounce, first time since April 2",
        "Gold futures rise above $3,200 per ounce for first time",
    ),
    (
        "Apple ships 1.5 mln iPhones out of India to avoid US tariffs — Reuters",
        "Apple flies 1.5 mln iPhones from India to beat US tariffs — Reuters",
    ),
    (
        "Judge orders release of 11 Russians detained in Tunisia — lawyer",
        "Tunisian judge orders release of 11 detained Russians — lawyer",
    ),
    ("Total of 80% Russians trust Putin — pollster", "80% of Russians trust Putin — poll"),
    (
        "Urals oil price drops below $50 per barrel first since June 2023",
        "Urals oil price falls below $50 per barrel for first time since June 2023",
    ),
    (
        "CIS foreign ministers meeting kicks off in Almaty",
        "Meeting of CIS foreign ministers begins in Almaty",
    ),
    (
        "Europe has withdrawn 95% of gas it pumped into storage facilities for heating season",
        "Europe withdraws 95% of gas pumped into storage for heating season",
    ),
    (
        "Russian troops liberate Zaliznichnoye community in Zaporozhye Region over past day",
        "Russian forces liberate Zaliznichnoye in Zaporozhye Region",
    ),
    (
        "Colombian president reports assassination attempt against him",
        "Colombia's Petro says he survived assassination attempt",
    ),
    (
        "Azerbaijan, US to develop Middle Corridor, Trump Route",
        "Baku, Washington agree to develop Middle Corridor and Trump Route",
    ),
)
#: Pairs of sample teasers that tell one story in other words and other facts.
SAME_STORY = (
    (
        "US-China tensions very serious, even explosive — Lukashenko",
        "Belarusian president calls US-China tensions 'explosive'",
    ),
    (
        "Trump’s envoy Witkoff heading to Russia for a meeting with Putin — Axios",
        "US Special Presidential Envoy Steve Witkoff arrives in Russia — Kremlin spokesman",
    ),
    (
        "Russian troops completing mop-up operation in outskirts of Guyevo in Kursk area",
        "Russian soldiers in Guyevo were confronted by Ukrainian elite units",
    ),
    (
        "Russian troops push frontline westward from Gulyaipole after liberating Zaliznichnoye",
        "Russian troops liberate Zaliznichnoye community in Zaporozhye Region over past day",
    ),
)


def cost_us(labels: list[dict[str, Any]], repeat: int = 5) -> float:
    """Median µs per teaser over `repeat` passes, the gazetteer already built."""
    preload()
    passes = []
    for _ in range(repeat):
        people = PeopleIndex()
        started = time.perf_counter()
        for record in labels:
            enrich_teaser(record["headline"], record["lead"], people=people)
        passes.append((time.perf_counter() - started) / len(labels) * 1e6)
    return statistics.median(passes)


def load_s() -> float:
    """Seconds a fresh process takes to import `stream.enrich` and build its tables."""
    code = (
        "import time; t = time.perf_counter(); from stream.enrich import preload; "
        "preload(); print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def neardup_evidence(threshold: float) -> dict[str, Any]:
    """Jaccard of word bigrams: rewordings, same-story pairs, distinct teasers."""
    from stream.enrich.neardup import NearDuplicateIndex, jaccard

    labels = load_labels(LABELS)
    text = {r["headline"]: " ".join(p for p in (r["headline"], r["lead"]) if p) for r in labels}
    lead = {r["headline"]: r["lead"] for r in labels}
    reworded = [jaccard(text[a], f"{b} {lead[a]}") for a, b in REWORDINGS]
    same_story = [jaccard(text[a], text[b]) for a, b in SAME_STORY]
    same = {frozenset(pair) for pair in SAME_STORY}
    texts = [(r["headline"], " ".join(p for p in (r["headline"], r["lead"]) if p)) for r in labels]
    distinct = sorted(
        (
            jaccard(x, y)
            for (h1, x), (h2, y) in itertools.combinations(texts, 2)
            if frozenset((h1, h2)) not in same
        ),
        reverse=True,
    )
    flagged = 0
    for a, b in REWORDINGS:
        index = NearDuplicateIndex({}, threshold=threshold)
        index.check_and_add("a", text[a])
        flagged += index.check_and_add("b", f"{b} {lead[a]}") == "a"
    return {
        "threshold": threshold,
        "rewordings": {
            "min": round(min(reworded), 2),
            "median": round(statistics.median(reworded), 2),
        },
        "rewordings_flagged": f"{flagged}/{len(REWORDINGS)}",
        "same_story_other_words": [round(x, 2) for x in same_story],
        "distinct_pairs": len(distinct),
        "distinct_top5": [round(x, 2) for x in distinct[:5]],
        "distinct_at_or_above_threshold": sum(x >= threshold for x in distinct),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="print every disagreement")
    parser.add_argument("--neardup", action="store_true", help="near-duplicate evidence")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes (median)")
    args = parser.parse_args(argv)
    if args.neardup:
        from stream.settings import Settings

        print(json.dumps(neardup_evidence(Settings().near_duplicate_threshold), indent=1))
        return 0
    labels = load_labels(LABELS)
    scores, errors, english = evaluate(labels)
    per_teaser, startup = cost_us(labels, args.repeat), load_s()
    if args.json:
        out = {
            "teasers": len(labels),
            "fields": {f: s.as_dict() for f, s in scores.items()},
            "targets": TARGETS,
            "language_en_share": round(english, 4),
            "us_per_teaser": round(per_teaser, 1),
            "startup_s": round(startup, 3),
        }
        print(json.dumps(out, indent=1))
        return 0
    print(f"{len(labels)} labelled teasers ({LABELS.relative_to(ROOT)})\n")
    print(f"{'field':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'target':>8}")
    for field, score in scores.items():
        target = f"{TARGETS[field]:.2f}" if field in TARGETS else "-"
        print(f"{field:<14}{score.precision:>10.3f}{score.recall:>8.3f}{score.f1:>7.3f}{target:>8}")
    print(f"\nlanguage: {english:.1%} tagged en (all are English)")
    print(f"cost: {per_teaser:.0f} µs per teaser (median of {args.repeat} passes)")
    print(f"once per process: {startup:.2f} s to import and build the gazetteer")
    if args.errors:
        print()
        for key, field, missed, extra in errors:
            print(f"{field:<13} {key[:70]!r}\n{'':14}missed {sorted(missed)} extra {sorted(extra)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
