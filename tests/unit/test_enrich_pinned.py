"""Every output of enrichment on the labelled teasers, pinned, so a speed change cannot move one.

`tests/fixtures/enrichment_pinned.jsonl` holds what `enrich_teaser` (attribution,
category, entities, language, word count) and `article_entities` returned for every
teaser of the three labelled sets (`sample`, `fresh-tune`, `fresh-held-out`), each
set read in order with one `PeopleIndex` that learns as it goes, as
`benchmarks/bench_enrich.py` reads them. It is what the code computed when it was
written, not a judgement of it (the labels are that): a change that is meant to
alter an output regenerates it on purpose,

    python -m tests.unit.test_enrich_pinned

and the diff of the fixture, reviewed, says which outputs moved. A change meant to
be faster only must leave it as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stream.enrich import PeopleIndex, article_entities, enrich_teaser
from stream.enrich.scoring import load_labels

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PINNED = FIXTURES / "enrichment_pinned.jsonl"
SETS = {
    "sample": (FIXTURES / "teaser_labels.json", None),
    "fresh-tune": (FIXTURES / "fresh_teasers.json", "tune"),
    "fresh-held-out": (FIXTURES / "fresh_teasers.json", "held_out"),
}


def _outputs(name: str) -> list[dict[str, Any]]:
    """What enrichment returns for each teaser of a set, in the set's order."""
    path, split = SETS[name]
    teasers, articles = PeopleIndex(), PeopleIndex()
    out = []
    for record in load_labels(path, split):
        headline, lead = record["headline"], record["lead"]
        enrichment = enrich_teaser(headline, lead, people=teasers)
        out.append(
            {
                "headline": headline,
                "enrichment": enrichment.model_dump(mode="json", exclude={"near_duplicate_of"}),
                # An article has no rubric to strip and a headline always.
                "article_entities": (
                    article_entities(headline, lead, people=articles).model_dump(mode="json")
                    if headline
                    else None
                ),
            }
        )
    return out


def _pinned() -> dict[str, list[dict[str, Any]]]:
    pinned: dict[str, list[dict[str, Any]]] = {name: [] for name in SETS}
    for line in PINNED.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pinned[record.pop("set")].append(record)
    return pinned


@pytest.mark.parametrize("name", list(SETS))
def test_enrichment_of_every_labelled_teaser_is_as_pinned(name: str) -> None:
    expected, actual = _pinned()[name], _outputs(name)
    assert len(expected) == len(actual)
    moved = [(e["headline"], e, a) for e, a in zip(expected, actual, strict=True) if e != a]
    # The first few that moved, whole, rather than one assertion per teaser.
    assert moved == [], f"{len(moved)} outputs of {name} moved; the first: {moved[:3]}"


def _regenerate() -> None:
    # One teaser a line, so that the diff of a deliberate change reads teaser by teaser.
    lines = [
        json.dumps({"set": name, **record}, ensure_ascii=False, sort_keys=True)
        for name in SETS
        for record in _outputs(name)
    ]
    PINNED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {PINNED} ({len(lines)} teasers)")


if __name__ == "__main__":
    _regenerate()
