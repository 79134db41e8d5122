"""Near-duplicate index: rewordings flagged, distinct stories not, state in the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from stream.enrich.neardup import (
    NearDuplicateIndex,
)
from stream.identity import teaser_id
from stream.settings import Settings

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "teaser_labels.json"
THRESHOLD = Settings().near_duplicate_threshold

LEAD = (
    "The head of the municipal area says the attacks targeted a bread delivery truck "
    "with a visible sign, a man on a bicycle"
)
ORIGINAL = "5 civilians killed, 9 wounded in Ukraine’s attacks on Zaporozhye Region during day"
REWORDED = "6 civilians killed, 11 wounded in Ukraine’s attacks on Zaporozhye Region over past day"


def _sample_teasers() -> list[tuple[str, str]]:
    teasers = json.loads(LABELS.read_text(encoding="utf-8"))["teasers"]
    return [
        (
            teaser_id(t["headline"], t["lead"]),
            " ".join(part for part in (t["headline"], t["lead"]) if part),
        )
        for t in teasers
    ]


def test_signatures_are_the_same_in_every_process() -> None:
    """Fixed seed: another interpreter with another hash seed computes the same state."""
    text = f"{ORIGINAL} {LEAD}"
    code = (
        "import json; from stream.enrich.neardup import NearDuplicateIndex as N; s = {}; "
        f"N(s, threshold=0.5).check_and_add('t', {text!r}); print(json.dumps(s, sort_keys=True))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    here: dict[str, object] = {}
    NearDuplicateIndex(here, threshold=0.5).check_and_add("t", text)
    assert json.loads(out) == here


class _CountingStore(dict[str, object]):
    writes = 0

    def __setitem__(self, key: str, value: object) -> None:
        self.writes += 1
        super().__setitem__(key, value)
