"""Throughput, latency, stage cost and dedup memory of the whole pipeline (issue 7).

One run, one broker (the embedded Tansu, or with `--broker kafka` one Apache Kafka
node as the integration fixtures start it), fresh topics and consumer group per
measurement, the same synthetic crawl feed (`stream.testing.feed.crawl_feed`: a sliding
"latest news" window, a few new teasers per page) for (a), (b) and the scale-out:

- (a) the raw limit: `benchmarks/passthrough.py`, an aiokafka consume -> produce
  copy of the pages, no processing, in a process of its own;
- (b) one `python -m stream run` worker: pages/s from the first page sent to the
  last expected output read (every article and every unique teaser), fed live;
- (c) end-to-end latency (page sent -> its article and its first-sighted teasers
  readable) at a fixed offered rate of half of (b), on a fresh worker;
- (d) parse, dedup and enrichment cost per page, in process, over the feed's pages
  with `stream.pipeline`'s stage functions, and the worker's own `stream_stage_seconds`;
- (e) resident memory per distinct teaser in the dedup state, memory and rocksdb
  stores (`benchmarks/dedup_memory.py`, a fresh process per store);
- scale-out: the same feed with 2 workers on the same partitions.

Outputs are checked exactly (every article, the exact unique teaser id set, no dead
letters; repeats are reported): a wrong result is printed loudly and the exit code
is 1. Counts come from reading the topics, never from end offsets, which Tansu
under-reports.

    python benchmarks/bench_pipeline.py                 # the table
    python benchmarks/bench_pipeline.py --json          # one JSON object
    python benchmarks/bench_pipeline.py --small         # a quick run (CI)
    python benchmarks/bench_pipeline.py --profile prof  # py-spy speedscope file per process
    python benchmarks/bench_pipeline.py --fetch-max-wait-ms 500   # Tansu's fetch wait

On a shared or small machine the broker, the worker(s) and this process compete for
the same cores: the load average is printed with the results; read them with it.

The code is in `benchmarks/pipeline/`, a module a concern (its `__init__` lists them).
"""

from __future__ import annotations

# benchmarks/pipeline/, not stream.pipeline: benchmarks/ is on sys.path when run as a script.
from pipeline.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
