"""The pipeline benchmark behind `benchmarks/bench_pipeline.py` (its entry point and
usage), a module a concern:

- `cli`: flags into `Options`, the run, the table or JSON printed, the exit code;
- `runs`: the whole run and `--curve`, the measurements in order on one broker;
- `harness`: `Options`, the broker, fresh settings per measurement, CPU meter,
  `/metrics` scraped, progress lines, `HarnessError`;
- `processes`: the `stream run` workers and the pass-through scripts under test;
- `profiler`: `--profile`, py-spy per process and its summary;
- `feed`: the crawl feed and the outputs it must give;
- `feeding`: pages sent live (`drive`) or preloaded, state preloaded via changelogs;
- `reading`: the output topics read and checked exactly;
- `passthroughs` (a), `throughput` (b and scale-out), `latency` (c), `stages` (d),
  `memory` (e), `state_curve` (issue 14): one measurement each;
- `report`: targets, checks, rows, the table.
"""
