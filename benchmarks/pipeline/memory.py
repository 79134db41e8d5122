"""(e): resident memory per distinct teaser in the dedup state, memory and rocksdb
stores, by `dedup_memory.py` in a fresh process per store.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from .feed import NEW_PER_PAGE
from .harness import HarnessError, Options
from .processes import BENCHMARKS


def measure_memory(options: Options) -> dict[str, Any]:
    results = {}
    for store in ("memory", "rocksdb"):
        command = [sys.executable, str(BENCHMARKS / "dedup_memory.py"), "--store", store]
        command += ["--teasers", str(options.teasers), "--partitions", str(options.partitions)]
        command += ["--per-call", str(NEW_PER_PAGE)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise HarnessError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        report = json.loads(done.stdout)
        if report["keys_held"] != options.teasers:
            report["problems"] = [
                f"the {store} store holds {report['keys_held']} of {options.teasers} ids written"
            ]
        results[store] = report
    return results
