"""Cost of `stream.parse.parse_page` on the sample pages, as text and as HTML twins.

Times `parse_page` on each sample page of `tests/fixtures/` in its text form and as
its HTML twin (`stream/testing/html_twins.py`, the same page as a news site serves it), with
`time.perf_counter` around every call, after a warm-up. The budget for a text page
is 300 µs; the HTML figure includes the HTML parser and the tree walk.

    python benchmarks/bench_parse.py                    # table
    python benchmarks/bench_parse.py --json             # one JSON object
    python benchmarks/bench_parse.py --iterations 5000  # more runs per page
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

from stream.parse import parse_page
from stream.testing.html_twins import html_twin

# The bundled sample pages (the same files as tests/fixtures/000_* and 002_*).
FIXTURES = Path(str(resources.files("stream") / "data" / "pages"))
PAGES = ("000_4065343f77174ab1.txt", "002_9b520bc063ecabc6.txt")
REFERENCE = dt.date(2026, 2, 12)
BUDGET_US = 300.0


def measure(body: str, content_type: str, iterations: int) -> dict[str, float]:
    """Mean, p50 and p99 of `parse_page(body)` in microseconds."""
    for _ in range(max(iterations // 10, 10)):  # warm-up: caches, branch predictors
        parse_page(body, content_type=content_type, reference_date=REFERENCE)
    runs = []
    for _ in range(iterations):
        start = time.perf_counter()
        parse_page(body, content_type=content_type, reference_date=REFERENCE)
        runs.append((time.perf_counter() - start) * 1e6)
    runs.sort()
    return {
        "mean_us": statistics.fmean(runs),
        "p50_us": runs[len(runs) // 2],
        "p99_us": runs[min(len(runs) - 1, int(len(runs) * 0.99))],
        "bytes": len(body.encode("utf-8")),
    }


def run(iterations: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in PAGES:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        twin = html_twin(text, parse_page(text, reference_date=REFERENCE))
        results[name] = {
            "text": measure(text, "text/plain", iterations),
            "html": measure(twin, "text/html", iterations),
        }
    return {
        "iterations": iterations,
        "python": sys.version.split()[0],
        "budget_text_us": BUDGET_US,
        "pages": results,
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"parse_page, {report['iterations']} runs per row, Python {report['python']}")
    print(f"{'page':<28}{'form':<6}{'bytes':>8}{'mean µs':>10}{'p50 µs':>10}{'p99 µs':>10}")
    for name, forms in report["pages"].items():
        for form, row in forms.items():
            print(
                f"{name:<28}{form:<6}{row['bytes']:>8}"
                f"{row['mean_us']:>10.1f}{row['p50_us']:>10.1f}{row['p99_us']:>10.1f}"
            )
    worst = max(forms["text"]["mean_us"] for forms in report["pages"].values())
    verdict = "within" if worst <= report["budget_text_us"] else "OVER"
    print(f"text pages: worst mean {worst:.1f} µs, {verdict} the {BUDGET_US:.0f} µs budget")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--iterations", type=int, default=2000, help="runs per page and form")
    args = parser.parse_args(argv)
    report = run(args.iterations)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
