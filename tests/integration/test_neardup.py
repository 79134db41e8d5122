"""Near-duplicate signatures are the same in a fresh Python process (no per-process seed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from stream.enrich.neardup import (
    NearDuplicateIndex,
)

LEAD = (
    "The head of the municipal area says the attacks targeted a bread delivery truck "
    "with a visible sign, a man on a bicycle"
)
ORIGINAL = "5 civilians killed, 9 wounded in Ukraine’s attacks on Zaporozhye Region during day"


# Records carry the time they were recorded (for expiry): the same in both processes.
NOW = 1_796_300_000.0


def test_signatures_are_the_same_in_every_process() -> None:
    """Fixed seed: another interpreter with another hash seed computes the same state."""
    text = f"{ORIGINAL} {LEAD}"
    code = (
        "import json; from stream.enrich.neardup import NearDuplicateIndex as N; s = {}; "
        f"NOW = {NOW!r}; "
        f"N(s, threshold=0.5).check_and_add('t', {text!r}, now=NOW); "
        "print(json.dumps(s, sort_keys=True))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    here: dict[str, object] = {}
    NearDuplicateIndex(here, threshold=0.5).check_and_add("t", text, now=NOW)
    assert json.loads(out) == here
